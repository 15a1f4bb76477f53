package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.ogg.OggPacket;
import dev.tonearm.core.decode.ogg.OggPacketReader;
import dev.tonearm.core.decode.ogg.OggPageReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming Ogg Vorbis decoder: reads pages from a {@link ByteSource} as it goes and outputs
 * 16-bit PCM, one Vorbis block per {@link #read(PcmBuffer)} (at most 4096 frames).
 *
 * <p>Output: samples are rounded to nearest (ties to even) and clipped as libvorbis 1.3.7's
 * {@code ov_read} does, and channels are remapped from Vorbis order to the WAVE order that
 * {@link PcmFormat} documents. Chained files decode link after link; the format can change at a
 * link boundary, and each {@link PcmBuffer} carries its link index and format. {@link #links()}
 * describes the links.
 *
 * <p>Robustness: junk between pages is skipped (resynchronising on {@code "OggS"} with a CRC
 * check), damaged or missing pages drop only the packets they carry, and a source that ends inside
 * a page decodes everything before it and adds a {@link Reason#TRUNCATED} warning. Grouped
 * (multiplexed) streams, which the Ogg Vorbis mapping forbids, decode as their first Vorbis stream
 * and add a warning. Invalid headers fail with {@link Reason#BAD_HEADER}. Every runtime error in
 * codec code reaches the caller as {@link Reason#INTERNAL_ERROR}. Packets and header sizes are
 * capped (see {@link #MAX_HEADER_PACKET_BYTES}), so memory stays bounded on any input.
 *
 * <p>Seeking ({@link #seekToFrame(long)}) needs a seekable source. It is sample-accurate: it
 * bisects over page granule positions, decodes from a page before the target to rebuild the
 * window overlap, and discards up to the exact frame.
 *
 * <p>Threading: one thread at a time, as {@link Decoder} requires.
 */
public final class VorbisDecoder implements Decoder {
  /** Maximum length of a header packet; larger comment headers (huge cover art) are rejected. */
  public static final int MAX_HEADER_PACKET_BYTES = 16 * 1024 * 1024;
  /**
   * Maximum entries of {@link #warnings()}: the first warnings, then one that counts the rest.
   */
  public static final int MAX_WARNINGS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(VorbisDecoder.class);
  /** Bisection retries before a seek falls back to decoding from the link's start. */
  private static final int MAX_SEEK_ATTEMPTS = 16;

  private final ByteSource source;
  private final OggPageReader pages;
  private final OggPacketReader packets;
  private final List<DecoderException> warnings = new ArrayList<>();
  private long suppressedWarnings;

  private LinkDecoder link;
  private int nextLinkIndex;
  private PcmFormat lastFormat;
  private boolean ended;
  private boolean closed;
  /** Frames output so far, counted from the start of the first link. */
  private long position;
  /** Frames output in links before the current one. */
  private long linkStartFrame;
  private final List<VorbisLink> seenLinks = new ArrayList<>();
  private List<LinkScanner.LinkInfo> scannedLinks;
  /** A decode result produced while seeking, returned by the next {@link #read}. */
  private boolean hasPendingResult;
  private int pendingResult;

  /** Creates a decoder over {@code source}; headers are read on the first call that needs them. */
  public VorbisDecoder(ByteSource source) {
    this.source = Objects.requireNonNull(source, "source");
    this.pages = new OggPageReader(source, this::warn);
    this.packets =
        new OggPacketReader(pages, this::warn, IdentificationHeader::isIdentificationPacket);
  }

  @Override
  public String codec() {
    return "vorbis";
  }

  @Override
  public PcmFormat format() throws IOException {
    return guard(() -> {
      ensureLink();
      return link != null ? link.format : lastFormat;
    });
  }

  @Override
  public int read(PcmBuffer buffer) throws IOException {
    return guard(() -> readBlock(buffer));
  }

  @Override
  public long totalFrames() throws IOException {
    return guard(() -> {
      ensureLink();
      if (scan()) {
        long total = 0;
        for (LinkScanner.LinkInfo info : scannedLinks) {
          total += info.frames;
        }
        return ended ? position : total;
      }
      return ended ? position : -1L;
    });
  }

  @Override
  public boolean isSeekable() {
    return source.isSeekable() && source.length() >= 0;
  }

  @Override
  public void seekToFrame(long frame) throws IOException {
    guard(() -> {
      seekInternal(frame);
      return null;
    });
  }

  @Override
  public long positionFrames() {
    return position;
  }

  @Override
  public List<DecoderException> warnings() {
    List<DecoderException> result = new ArrayList<>(warnings);
    if (suppressedWarnings > 0) {
      result.add(new DecoderException(Reason.CORRUPT_DATA, suppressedWarnings
          + " further warnings were not kept; the first " + (MAX_WARNINGS - 1) + " are listed"));
    }
    return Collections.unmodifiableList(result);
  }

  /**
   * Describes the links. On a seekable source the list has all of them, with frame counts from
   * the last granule position of each. Otherwise it has the links decoded so far, with frame
   * counts once each link has ended.
   */
  public List<VorbisLink> links() throws IOException {
    return guard(() -> {
      ensureLink();
      if (scan()) {
        List<VorbisLink> result = new ArrayList<>();
        for (int i = 0; i < scannedLinks.size(); i++) {
          LinkScanner.LinkInfo info = scannedLinks.get(i);
          result.add(new VorbisLink(i, info.serialNumber,
              new PcmFormat(info.id.sampleRateHz, info.id.channels, 16), info.frames,
              info.firstFrame, info.id.bitrateNominal, info.comments));
        }
        return Collections.unmodifiableList(result);
      }
      return Collections.unmodifiableList(new ArrayList<>(seenLinks));
    });
  }

  /** Comment header of the current link (the first link before decoding starts). */
  public VorbisComments comments() throws IOException {
    return guard(() -> {
      ensureLink();
      if (link != null) {
        return link.comments;
      }
      return seenLinks.isEmpty() ? null : seenLinks.get(seenLinks.size() - 1).comments();
    });
  }

  @Override
  public void close() throws IOException {
    closed = true;
    source.close();
  }

  private int readBlock(PcmBuffer buffer) throws IOException {
    while (true) {
      ensureLink();
      if (link == null) {
        return -1;
      }
      int frames;
      if (hasPendingResult) {
        hasPendingResult = false;
        frames = pendingResult;
      } else {
        frames = link.decodeNext();
      }
      if (frames == LinkDecoder.END_OF_LINK || frames == LinkDecoder.END_OF_SOURCE) {
        finishLink();
        if (frames == LinkDecoder.END_OF_SOURCE) {
          ended = true;
        }
        continue;
      }
      int channels = link.format.channels();
      int[] samples = buffer.ensureCapacity(frames * channels);
      PcmConverter.convert(link.output(), link.outputOffset(), frames, channels, samples);
      buffer.frames = frames;
      buffer.format = link.format;
      buffer.link = link.index;
      position += frames;
      return frames;
    }
  }

  /** Opens the next link if none is open and the stream has not ended. */
  private void ensureLink() throws IOException {
    if (closed) {
      throw new DecoderException(Reason.IO_ERROR, "the decoder is closed");
    }
    if (link != null || ended) {
      return;
    }
    try {
      link = LinkDecoder.open(nextLinkIndex, packets, MAX_HEADER_PACKET_BYTES, this::warn);
    } catch (DecoderException e) {
      if (nextLinkIndex == 0 || e.reason() != Reason.TRUNCATED) {
        throw e;
      }
      // A chain whose last link is cut inside its headers: keep what was decoded.
      warn(e);
      link = null;
    }
    if (link == null) {
      if (nextLinkIndex == 0) {
        throw new DecoderException(Reason.UNSUPPORTED_FORMAT, "no Ogg page found in the source");
      }
      ended = true;
      return;
    }
    nextLinkIndex++;
    lastFormat = link.format;
    seenLinks.add(new VorbisLink(link.index, link.serialNumber, link.format, -1, linkStartFrame,
        link.id.bitrateNominal, link.comments));
  }

  private void finishLink() {
    long frames = position - linkStartFrame;
    int last = seenLinks.size() - 1;
    seenLinks.set(last, seenLinks.get(last).withFrames(frames, linkStartFrame));
    linkStartFrame = position;
    link = null;
  }

  /** Scans a seekable source once; returns whether link information is available. */
  private boolean scan() throws IOException {
    if (scannedLinks != null) {
      return true;
    }
    if (!isSeekable()) {
      return false;
    }
    long resume = pages.position();
    try {
      scannedLinks = new LinkScanner(source, MAX_HEADER_PACKET_BYTES).scan();
    } finally {
      pages.seek(resume);
    }
    return true;
  }

  private void seekInternal(long frame) throws IOException {
    if (!isSeekable()) {
      throw new DecoderException(Reason.SEEK_UNSUPPORTED,
          "the source cannot seek, so the Vorbis stream cannot either");
    }
    ensureLink();
    scan();
    long total = 0;
    for (LinkScanner.LinkInfo info : scannedLinks) {
      total += info.frames;
    }
    if (frame < 0 || frame > total) {
      throw new DecoderException(Reason.SEEK_OUT_OF_RANGE,
          "seek frame must be in [0, " + total + "]: " + frame);
    }
    int index = 0;
    while (index < scannedLinks.size() - 1
        && frame >= scannedLinks.get(index).firstFrame + scannedLinks.get(index).frames) {
      index++;
    }
    LinkScanner.LinkInfo target = scannedLinks.get(index);
    hasPendingResult = false;
    openLinkAt(index, target);
    long linkFrame = frame - target.firstFrame;
    long targetGranule = target.startGranule + linkFrame;

    LinkScanner scanner = new LinkScanner(source, MAX_HEADER_PACKET_BYTES);
    long low = Math.max(target.firstGranulePageOffset, target.startOffset) + 1;
    long high = target.endOffset;
    for (int attempt = 0; attempt < MAX_SEEK_ATTEMPTS && target.firstGranulePageOffset >= 0;
        attempt++) {
      long pageOffset = scanner.findPageBefore(target, targetGranule, low, high);
      if (pageOffset < 0) {
        break;
      }
      packets.seek(pageOffset);
      link.restartInside(target.startGranule, targetGranule);
      if (primeUntilAnchored(targetGranule)) {
        position = frame;
        return;
      }
      high = pageOffset;
    }
    // The target lies in the first page of audio, or no page before it could anchor the
    // timeline: decode from the link's first packet and discard up to the target.
    packets.seekToLinkStart(target.startOffset);
    skipHeaderPackets(index);
    link.restartAtStart(linkFrame);
    position = frame;
  }

  /**
   * Decodes after a restart inside a link until the timeline is anchored; returns whether the
   * anchor lies before {@code targetGranule}, which makes every later sample exact. The first
   * result is kept for the next {@link #read}.
   */
  private boolean primeUntilAnchored(long targetGranule) throws IOException {
    // Packets before the anchor yield nothing, and output starts at the target, so one call
    // either anchors the timeline or reaches the end of the link.
    int result = link.decodeNext();
    long anchor = link.anchorGranule();
    if (anchor < 0 || anchor >= targetGranule) {
      return false;
    }
    pendingResult = result;
    hasPendingResult = true;
    return true;
  }

  private void openLinkAt(int index, LinkScanner.LinkInfo info) throws IOException {
    if (link != null && link.index == index) {
      return;
    }
    packets.seekToLinkStart(info.startOffset);
    link = LinkDecoder.open(index, packets, MAX_HEADER_PACKET_BYTES, this::warn);
    if (link == null) {
      throw new DecoderException(Reason.IO_ERROR, "link " + index + " vanished from the source");
    }
    nextLinkIndex = index + 1;
    lastFormat = link.format;
    linkStartFrame = info.firstFrame;
    ended = false;
  }

  private void skipHeaderPackets(int index) throws IOException {
    OggPacket skipped = new OggPacket();
    for (int i = 0; i < 3; i++) {
      if (packets.next(skipped) != OggPacketReader.Result.PACKET) {
        throw new DecoderException(Reason.IO_ERROR,
            "link " + index + " headers vanished from the source");
      }
    }
  }

  private void warn(DecoderException warning) {
    LOG.debug("Vorbis decoding recovered: {}", warning.getMessage());
    if (warnings.size() < MAX_WARNINGS - 1) {
      warnings.add(warning);
    } else {
      suppressedWarnings++;
    }
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  /** Runs {@code action}, turning runtime errors of codec code into typed decoder errors. */
  private static <T> T guard(Action<T> action) throws IOException {
    try {
      return action.run();
    } catch (RuntimeException e) {
      throw new DecoderException(Reason.INTERNAL_ERROR,
          "Vorbis decoding failed unexpectedly: " + e, e);
    }
  }
}
