package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A streaming FLAC decoder written from RFC 9639: native FLAC streams (optionally behind an ID3v2
 * tag), bit depths 4 to 32, 1 to 8 channels, fixed and variable block sizes.
 *
 * <p>Each {@link #read} returns one FLAC frame (block) as interleaved signed samples at the
 * stream's bit depth. Memory is bounded by the format: a 128 KiB input window, one block of up to
 * 65535 samples per channel, and the metadata that the caller can read back. Vorbis comments are at
 * most 16 MiB (the largest metadata block), and at most 65536 seek points are kept.
 *
 * <p>Damage: a frame that fails its CRC-8 header check is not treated as a frame. A frame with
 * invalid subframes or a failed CRC-16 is dropped, recorded in {@link #warnings()}, and replaced by
 * the same number of samples of silence, so positions and the total stay those of the intact stream
 * (see {@link FrameReader} for the exact rule). A stream that ends inside a frame ends after its
 * last complete frame, with a {@link Reason#TRUNCATED} warning. Frames whose block size or count
 * disagrees with STREAMINFO are decoded as they are. If the first frame disagrees with STREAMINFO
 * on channel count or bit depth, {@link #open} fails with {@link Reason#BAD_HEADER}, and a later
 * frame that does is dropped as damage.
 *
 * <p>Seeking ({@link #seekToFrame}) needs a seekable source. It starts from the nearest SEEKTABLE
 * point, narrows the range by bisection over frame headers, then decodes and discards up to the
 * exact sample.
 *
 * <p>Threading: one thread at a time, like every {@link Decoder}. {@link #close()} closes the
 * source.
 */
public final class FlacDecoder implements Decoder {
  /** Frames of filled silence returned per {@link #read} call. */
  private static final int SILENCE_CHUNK_FRAMES = 4096;

  private final ByteSource source;
  private final BitReader in;
  private final Warnings warnings = new Warnings();
  private final FlacStreamInfo streamInfo;
  private final String vendor;
  private final Map<String, List<String>> tags;
  private final long audioStartBytes;
  private final PcmFormat format;
  private final FrameDecoder frameDecoder = new FrameDecoder();
  private final FrameReader reader;
  private final SeekPlanner seekPlanner;

  private long positionFrames;

  /** Silence still to output before the pending frame (or at the end). */
  private long pendingSilenceFrames;

  /** Whether the frame decoder contains a frame not yet returned. */
  private boolean frameReady;

  /** First sample of the pending frame to return. */
  private int frameOffset;

  private boolean streamEnded;

  /** Exact total once the end was reached, else -1. */
  private long endTotalFrames = -1;

  private DecoderException failure;
  private boolean closed;

  private FlacDecoder(ByteSource source) throws IOException {
    this.source = source;
    this.in = new BitReader(source);
    MetadataReader metadata = new MetadataReader(in, warnings);
    metadata.read();
    this.streamInfo = metadata.streamInfo;
    this.vendor = metadata.vendor;
    this.tags = metadata.tags;
    this.audioStartBytes = metadata.audioStartBytes;
    this.format = formatOf(streamInfo);
    this.reader = new FrameReader(in, frameDecoder, warnings, streamInfo);
    reader.inspectFirstFrame();
    this.seekPlanner = new SeekPlanner(in, reader, metadata.seekTable, audioStartBytes, warnings);
  }

  /**
   * Reads the stream marker and metadata from {@code source} and returns a decoder positioned at
   * the first frame. On failure the source is left open for the caller to close.
   *
   * @throws DecoderException with {@link Reason#UNSUPPORTED_FORMAT} if the source is not a FLAC
   *     stream, {@link Reason#BAD_HEADER} or {@link Reason#TRUNCATED} for damaged metadata, {@link
   *     Reason#UNSUPPORTED_FEATURE} for a stream without audio, or {@link Reason#IO_ERROR}
   */
  public static FlacDecoder open(ByteSource source) throws DecoderException {
    Objects.requireNonNull(source, "source");
    try {
      return new FlacDecoder(source);
    } catch (DecoderException e) {
      throw e;
    } catch (IOException e) {
      throw ioError(e);
    } catch (RuntimeException e) {
      throw internalError(e);
    }
  }

  private static PcmFormat formatOf(FlacStreamInfo info) throws DecoderException {
    if (info.sampleRateHz() == 0) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE, "STREAMINFO sample rate is 0: the stream holds no audio");
    }
    if (info.bitsPerSample() < 4) {
      throw new DecoderException(
          Reason.BAD_HEADER,
          "STREAMINFO bits per sample must be in [4, 32]: " + info.bitsPerSample());
    }
    return new PcmFormat(info.sampleRateHz(), info.channels(), info.bitsPerSample());
  }

  @Override
  public String codec() {
    return "flac";
  }

  @Override
  public PcmFormat format() {
    return format;
  }

  /** Returns the STREAMINFO block as stored. */
  public FlacStreamInfo streamInfo() {
    return streamInfo;
  }

  /** STREAMINFO minimum block size in samples per channel (excluding the last frame). */
  public int minBlockSize() {
    return streamInfo.minBlockSize();
  }

  /** STREAMINFO maximum block size in samples per channel; frames may exceed a wrong value. */
  public int maxBlockSize() {
    return streamInfo.maxBlockSize();
  }

  /**
   * STREAMINFO total samples per channel, or 0 when unknown. May be wrong in damaged files; {@link
   * #totalFrames()} reports the decoded count once the end is reached.
   */
  public long streamInfoTotalSamples() {
    return streamInfo.totalSamples();
  }

  /** STREAMINFO MD5 of the decoded PCM (see {@link FlacStreamInfo#md5()}); a copy. */
  public byte[] md5() {
    return streamInfo.md5();
  }

  /**
   * Vorbis comments by upper-case field name (TITLE, ARTIST, ALBUM, GENRE, ...), values in stream
   * order; empty when the stream has none. Unmodifiable.
   */
  public Map<String, List<String>> tags() {
    return tags;
  }

  /** Returns the Vorbis comment vendor string, or "" when the stream has none. */
  public String vendor() {
    return vendor;
  }

  /** Stream offset of the first frame header in bytes. */
  public long audioStartBytes() {
    return audioStartBytes;
  }

  @Override
  public int read(PcmBuffer buffer) throws IOException {
    Objects.requireNonNull(buffer, "buffer");
    checkUsable();
    try {
      while (true) {
        if (pendingSilenceFrames > 0) {
          return emitSilence(buffer);
        }
        if (frameReady) {
          return emitFrame(buffer);
        }
        if (streamEnded) {
          endTotalFrames = positionFrames;
          return -1;
        }
        if (reader.next()) {
          frameReady = true;
          frameOffset = 0;
          pendingSilenceFrames = reader.silenceBefore();
        } else {
          streamEnded = true;
          pendingSilenceFrames = reader.trailingSilence();
          checkDeclaredTotal(positionFrames + pendingSilenceFrames);
        }
      }
    } catch (DecoderException e) {
      throw fail(e);
    } catch (IOException e) {
      throw fail(ioError(e));
    } catch (RuntimeException e) {
      throw fail(internalError(e));
    }
  }

  @Override
  public long totalFrames() {
    if (endTotalFrames >= 0) {
      return endTotalFrames;
    }
    long declared = streamInfo.totalSamples();
    return declared > 0 && positionFrames <= declared ? declared : -1;
  }

  @Override
  public boolean isSeekable() {
    return source.isSeekable();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A target beyond a wrong STREAMINFO total is still tried. If the stream turns out to end
   * before {@code frame}, this throws {@link Reason#SEEK_OUT_OF_RANGE} and leaves the decoder at
   * the end of the stream. A successful seek also clears an earlier failure.
   */
  @Override
  public void seekToFrame(long frame) throws IOException {
    if (closed) {
      throw new DecoderException(Reason.IO_ERROR, "decoder is closed");
    }
    if (!source.isSeekable()) {
      throw new DecoderException(Reason.SEEK_UNSUPPORTED, "source cannot seek");
    }
    if (frame < 0 || (endTotalFrames >= 0 && frame > endTotalFrames)) {
      throw new DecoderException(
          Reason.SEEK_OUT_OF_RANGE, "seek target must be in [0, " + totalFrames() + "]: " + frame);
    }
    try {
      seekAndDiscard(frame);
      failure = null;
    } catch (DecoderException e) {
      if (e.reason() == Reason.SEEK_OUT_OF_RANGE) {
        throw e;
      }
      throw fail(e);
    } catch (IOException e) {
      throw fail(ioError(e));
    } catch (RuntimeException e) {
      throw fail(internalError(e));
    }
  }

  @Override
  public long positionFrames() {
    return positionFrames;
  }

  @Override
  public List<DecoderException> warnings() {
    return warnings.snapshot();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    source.close();
  }

  private int emitSilence(PcmBuffer buffer) {
    int count = (int) Math.min(pendingSilenceFrames, SILENCE_CHUNK_FRAMES);
    int samples = count * format.channels();
    Arrays.fill(buffer.ensureCapacity(samples), 0, samples, 0);
    pendingSilenceFrames -= count;
    return deliver(buffer, count);
  }

  private int emitFrame(PcmBuffer buffer) {
    int count = frameDecoder.blockSize() - frameOffset;
    int[] out = buffer.ensureCapacity(count * format.channels());
    frameDecoder.interleave(out, frameOffset, count);
    frameReady = false;
    return deliver(buffer, count);
  }

  private int deliver(PcmBuffer buffer, int count) {
    buffer.frames = count;
    buffer.format = format;
    buffer.link = 0;
    positionFrames += count;
    return count;
  }

  private void checkDeclaredTotal(long decodedTotal) {
    long declared = streamInfo.totalSamples();
    if (declared == 0 || declared == decodedTotal) {
      return;
    }
    if (decodedTotal < declared) {
      warnings.add(
          BitReader.truncated(
              "stream ends after " + decodedTotal + " of " + declared + " declared samples"));
    } else {
      warnings.add(
          Reason.BAD_HEADER,
          "stream holds " + decodedTotal + " samples but STREAMINFO declares " + declared);
    }
  }

  /** Positions the decoder at {@code target}, decoding and discarding from a frame before it. */
  private void seekAndDiscard(long target) throws IOException {
    long start = seekPlanner.findStartOffset(target);
    boolean fromAudioStart = start == audioStartBytes;
    reader.restart(start, fromAudioStart ? 0 : -1);
    pendingSilenceFrames = 0;
    frameReady = false;
    streamEnded = false;
    while (true) {
      if (!reader.next()) {
        long end = reader.endSample();
        streamEnded = true;
        endTotalFrames = end;
        positionFrames = end;
        if (target <= end && target >= end - reader.trailingSilence()) {
          pendingSilenceFrames = end - target;
          positionFrames = target;
          endTotalFrames = -1;
          return;
        }
        throw new DecoderException(
            Reason.SEEK_OUT_OF_RANGE,
            "seek target " + target + " is beyond the end of the stream at " + end);
      }
      long frameStart = reader.frameStartSample();
      long silenceStart = frameStart - reader.silenceBefore();
      if (silenceStart > target) {
        if (!fromAudioStart) {
          // The start point was past the target (a misleading seek point or a false sync code
          // that passed every check): decode from the first frame instead.
          warnings.add(
              Reason.CORRUPT_DATA,
              "seek overshot to sample "
                  + silenceStart
                  + " for target "
                  + target
                  + "; decoding from the first frame");
          fromAudioStart = true;
          reader.restart(audioStartBytes, 0);
          continue;
        }
        throw new DecoderException(
            Reason.CORRUPT_DATA,
            "no frame contains sample " + target + "; the next frame starts at " + silenceStart);
      }
      if (target < frameStart) {
        pendingSilenceFrames = frameStart - target;
        frameReady = true;
        frameOffset = 0;
        positionFrames = target;
        return;
      }
      if (target < frameStart + reader.blockSize()) {
        frameReady = true;
        frameOffset = (int) (target - frameStart);
        positionFrames = target;
        return;
      }
    }
  }

  private void checkUsable() throws DecoderException {
    if (closed) {
      throw new DecoderException(Reason.IO_ERROR, "decoder is closed");
    }
    if (failure != null) {
      throw new DecoderException(
          failure.reason(),
          "decoder stopped after an earlier error: " + failure.getMessage(),
          failure);
    }
  }

  private DecoderException fail(DecoderException e) {
    failure = e;
    return e;
  }

  private static DecoderException ioError(IOException e) {
    return new DecoderException(Reason.IO_ERROR, "reading the source failed: " + e, e);
  }

  private static DecoderException internalError(RuntimeException e) {
    return new DecoderException(Reason.INTERNAL_ERROR, "FLAC decoder failed unexpectedly: " + e, e);
  }
}
