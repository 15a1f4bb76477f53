package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.ogg.OggPacket;
import dev.tonearm.core.decode.ogg.OggPacketReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes the audio packets of one link and places each output sample on the link's granule
 * timeline, which drives start and end trimming and seeking.
 *
 * <p>Timeline rules (Vorbis I specification, appendix A.2, and libvorbis 1.3.7 where the
 * specification is silent):
 *
 * <ul>
 *   <li>Before decoding from the start of a link, the packets up to the first page that carries a
 *       granule position are read ahead, and their durations {@code S} are summed from their mode
 *       numbers (the first block yields 0 frames, each later one {@code prevN/4 + curN/4}). With
 *       that page's granule {@code g}, the first output sample sits at {@code g - S}. If that is
 *       negative the stream begins with samples to discard, and all of them are discarded. The
 *       exception is a first page that is also the last (EOS): then the stream starts at 0 and
 *       ends at {@code g}, as the specification rules for short streams.
 *   <li>Samples at negative positions are discarded. On the packet that ends the stream (EOS),
 *       samples at or after the page's granule position are discarded (end trimming). Like
 *       libvorbis, only the samples of that last packet can be trimmed.
 *   <li>After every page granule position the timeline is set to it, trusting the stream over
 *       the running count, as libvorbis does. Output itself is never invented or dropped at such a
 *       correction.
 *   <li>After a seek the timeline is unknown until the first packet that ends a page; everything
 *       decoded before that anchor is discarded.
 * </ul>
 *
 * <p>Not thread-safe.
 */
final class LinkDecoder {
  /** {@link #decodeNext()} result: the link ended. */
  static final int END_OF_LINK = -1;
  /** {@link #decodeNext()} result: the source ended. */
  static final int END_OF_SOURCE = -2;

  /** Maximum packets read ahead to find the first granule position. */
  private static final int MAX_LOOKAHEAD_PACKETS = 4096;
  /** Maximum bytes read ahead to find the first granule position. */
  private static final int MAX_LOOKAHEAD_BYTES = 4 * 1024 * 1024;

  final int index;
  final int serialNumber;
  final IdentificationHeader id;
  final VorbisComments comments;
  final VorbisSetup setup;
  final PcmFormat format;

  private final OggPacketReader reader;
  private final Consumer<DecoderException> warnings;
  private final BlockDecoder blocks;
  private final BitReader scratchReader = new BitReader();
  private final OggPacket packet = new OggPacket();
  private final ArrayDeque<OggPacket> lookahead = new ArrayDeque<>();
  private OggPacketReader.Result lookaheadEnd;

  private boolean startResolved;
  /** Timeline position of the first frame of the link (granule coordinates). */
  private long startGranule;
  /** Whether {@link #position} is known. */
  private boolean anchored;
  /** Timeline position of the next sample the block decoder yields; negative before 0. */
  private long position;
  /** Frames to discard after the link's first frame once the start is resolved. */
  private long pendingSkipFrames;
  /** Samples before this timeline position are discarded. */
  private long discardBefore;
  /** Samples at or after this timeline position are discarded; Long.MAX_VALUE for none. */
  private long endLimit = Long.MAX_VALUE;
  private long anchorGranule = -1;
  /** Offset of the page whose granule position resolved the link's start, or -1. */
  private long firstGranulePageOffset = -1;
  private boolean warnedRejected;

  private int outputOffset;
  private int outputFrames;

  private LinkDecoder(int index, int serialNumber, IdentificationHeader id,
      VorbisComments comments, VorbisSetup setup, OggPacketReader reader,
      Consumer<DecoderException> warnings) {
    this.index = index;
    this.serialNumber = serialNumber;
    this.id = id;
    this.comments = comments;
    this.setup = setup;
    this.format = new PcmFormat(id.sampleRateHz, id.channels, 16);
    this.reader = reader;
    this.warnings = warnings;
    this.blocks = new BlockDecoder(id, setup);
  }

  /**
   * Reads the three header packets of the next link.
   *
   * @return the link, or null when the source ends before the link's first packet
   * @throws DecoderException with {@link Reason#TRUNCATED} when the source or link ends inside
   *     the headers, or a header's reason when a header is invalid
   */
  static LinkDecoder open(int index, OggPacketReader reader, int maxHeaderPacketBytes,
      Consumer<DecoderException> warnings) throws IOException {
    OggPacket packet = new OggPacket();
    reader.setPacketLimit(maxHeaderPacketBytes, true);
    OggPacketReader.Result result = reader.next(packet);
    while (result == OggPacketReader.Result.END_OF_LINK) {
      result = reader.next(packet);
    }
    if (result == OggPacketReader.Result.END_OF_SOURCE) {
      return null;
    }
    IdentificationHeader id = IdentificationHeader.parse(packet);
    int serialNumber = reader.serialNumber();
    requireHeaderPacket(reader.next(packet), index);
    VorbisComments comments = VorbisComments.parse(packet);
    requireHeaderPacket(reader.next(packet), index);
    VorbisSetup setup = VorbisSetup.parse(packet, id);
    reader.setPacketLimit(maxAudioPacketBytes(id), false);
    return new LinkDecoder(index, serialNumber, id, comments, setup, reader, warnings);
  }

  /**
   * Maximum audio packet length: generous for any real encoder (a block holds at most
   * {@code blockSize1/2} values per channel, and codewords are at most 32 bits), while keeping a
   * damaged stream from buffering megabytes.
   */
  static int maxAudioPacketBytes(IdentificationHeader id) {
    return 64 * 1024 + id.blockSize1 * id.channels * 4;
  }

  private static void requireHeaderPacket(OggPacketReader.Result result, int index)
      throws DecoderException {
    if (result != OggPacketReader.Result.PACKET) {
      throw new DecoderException(Reason.TRUNCATED,
          "link " + index + " ends before its three Vorbis header packets are complete");
    }
  }

  /** Timeline position of the link's first frame; valid once decoding has started. */
  long startGranule() {
    return startGranule;
  }

  /**
   * Reads ahead to the link's first granule position, as decoding from the start does, and
   * returns the offset of the page that carries it, or -1 when none was found.
   */
  long resolveStartForScan() throws IOException {
    if (!startResolved) {
      resolveStart();
    }
    return firstGranulePageOffset;
  }

  /**
   * Decodes until a packet yields frames.
   *
   * @return frames available in {@link #output()} from {@link #outputOffset()}, or {@link
   *     #END_OF_LINK} or {@link #END_OF_SOURCE}
   */
  int decodeNext() throws IOException {
    if (!startResolved) {
      resolveStart();
    }
    while (true) {
      OggPacketReader.Result result = nextPacket();
      if (result == OggPacketReader.Result.END_OF_LINK) {
        return END_OF_LINK;
      }
      if (result == OggPacketReader.Result.END_OF_SOURCE) {
        return END_OF_SOURCE;
      }
      int frames = blocks.decode(packet);
      if (frames == BlockDecoder.REJECTED) {
        warnRejected();
        continue;
      }
      if (place(frames)) {
        return outputFrames;
      }
    }
  }

  /** Decoded samples per channel in Vorbis order; valid from {@link #outputOffset()}. */
  float[][] output() {
    return blocks.output();
  }

  int outputOffset() {
    return outputOffset;
  }

  /**
   * Prepares decoding from a page inside the link after the packet reader moved there. Drops
   * the previous block and waits for the first granule position to anchor the timeline.
   *
   * @param startGranule timeline position of the link's first frame
   * @param targetGranule first timeline position to output
   */
  void restartInside(long startGranule, long targetGranule) {
    lookahead.clear();
    lookaheadEnd = null;
    blocks.reset();
    this.startResolved = true;
    this.startGranule = startGranule;
    this.anchored = false;
    this.anchorGranule = -1;
    this.discardBefore = targetGranule;
    this.endLimit = Long.MAX_VALUE;
  }

  /**
   * Prepares decoding from the link's first audio packet after the packet reader moved to the
   * link's first page and the caller skipped the three header packets.
   *
   * @param skipFrames frames to discard after the link's first frame
   */
  void restartAtStart(long skipFrames) {
    lookahead.clear();
    lookaheadEnd = null;
    blocks.reset();
    startResolved = false;
    anchored = false;
    anchorGranule = -1;
    endLimit = Long.MAX_VALUE;
    pendingSkipFrames = skipFrames;
  }

  /**
   * Timeline position of the page that anchored the timeline after {@link #restartInside}, or -1
   * before it.
   */
  long anchorGranule() {
    return anchorGranule;
  }

  /**
   * Places the {@code frames} samples of the last decoded packet on the timeline and selects the
   * ones to output; returns whether any remain.
   */
  private boolean place(int frames) {
    long granule = packet.granulePosition();
    if (!anchored) {
      // Timeline unknown (after a seek): discard until a page granule position anchors it.
      if (granule != -1) {
        anchored = true;
        position = granule;
        anchorGranule = granule;
      }
      return false;
    }
    long first = position;
    long end = first + frames;
    long limit = endLimit;
    if (packet.isEos() && granule != -1) {
      limit = Math.min(limit, granule);
    }
    long from = Math.max(first, discardBefore);
    long to = Math.min(end, limit);
    position = granule != -1 ? granule : end;
    if (to <= from) {
      return false;
    }
    outputOffset = (int) (from - first);
    outputFrames = (int) (to - from);
    return true;
  }

  /** Reads ahead to the first granule position and sets the timeline of the link's start. */
  private void resolveStart() throws IOException {
    startResolved = true;
    anchored = true;
    List<OggPacket> ahead = new ArrayList<>();
    long bytes = 0;
    long granule = -1;
    boolean eos = false;
    while (ahead.size() < MAX_LOOKAHEAD_PACKETS && bytes < MAX_LOOKAHEAD_BYTES) {
      OggPacketReader.Result result = reader.next(packet);
      if (result != OggPacketReader.Result.PACKET) {
        lookaheadEnd = result;
        break;
      }
      OggPacket copy = packet.copy();
      ahead.add(copy);
      bytes += copy.length();
      if (copy.granulePosition() != -1) {
        granule = copy.granulePosition();
        firstGranulePageOffset = copy.pageOffset();
        eos = copy.isEos();
        break;
      }
    }
    lookahead.addAll(ahead);
    long samples = 0;
    int previousBlock = 0;
    for (OggPacket p : ahead) {
      int block = setup.blockSizeOf(p, scratchReader);
      if (block == 0) {
        continue;
      }
      if (previousBlock != 0) {
        samples += previousBlock / 4 + block / 4;
      }
      previousBlock = block;
    }
    if (granule == -1) {
      startGranule = 0;
      position = 0;
    } else if (eos && samples > granule) {
      // The whole stream is one page: the specification cuts its end, not its beginning.
      startGranule = 0;
      position = 0;
      endLimit = granule;
    } else {
      startGranule = Math.max(0, granule - samples);
      position = granule - samples;
    }
    discardBefore = startGranule + pendingSkipFrames;
    pendingSkipFrames = 0;
  }

  private OggPacketReader.Result nextPacket() throws IOException {
    OggPacket queued = lookahead.pollFirst();
    if (queued != null) {
      packet.copyFrom(queued);
      return OggPacketReader.Result.PACKET;
    }
    if (lookaheadEnd != null) {
      OggPacketReader.Result end = lookaheadEnd;
      lookaheadEnd = null;
      return end;
    }
    return reader.next(packet);
  }

  private void warnRejected() {
    if (!warnedRejected) {
      warnedRejected = true;
      warnings.accept(new DecoderException(Reason.CORRUPT_DATA, "link " + index
          + ": skipped a packet that is not a valid Vorbis audio packet (page at offset "
          + packet.pageOffset() + ")"));
    }
  }
}
