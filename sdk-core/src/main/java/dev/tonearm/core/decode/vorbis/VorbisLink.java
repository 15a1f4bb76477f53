package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.PcmFormat;

/**
 * One link of a chained Ogg Vorbis stream: its format, frame count and comments. Immutable;
 * {@link VorbisDecoder#links()} returns a new instance when it learns more about a link.
 */
public final class VorbisLink {
  private final int index;
  private final int serialNumber;
  private final PcmFormat format;
  private final long frames;
  private final long firstFrame;
  private final int bitrateNominal;
  private final VorbisComments comments;

  VorbisLink(int index, int serialNumber, PcmFormat format, long frames, long firstFrame,
      int bitrateNominal, VorbisComments comments) {
    this.index = index;
    this.serialNumber = serialNumber;
    this.format = format;
    this.frames = frames;
    this.firstFrame = firstFrame;
    this.bitrateNominal = bitrateNominal;
    this.comments = comments;
  }

  /** Zero-based position of the link in the chain; {@link dev.tonearm.core.decode.PcmBuffer#link}. */
  public int index() {
    return index;
  }

  /** Ogg serial number of the link's Vorbis stream. */
  public int serialNumber() {
    return serialNumber;
  }

  /** Output format: the link's rate and channels at 16 bits per sample. */
  public PcmFormat format() {
    return format;
  }

  /** Channel count, 1 to 8. */
  public int channels() {
    return format.channels();
  }

  /** Sample rate in Hz, 1 to 2^32 - 1. */
  public long sampleRateHz() {
    return format.sampleRateHz();
  }

  /** Frames the link decodes to, or -1 while unknown. */
  public long frames() {
    return frames;
  }

  /** Frame position of the link's first frame in the whole stream, or -1 while unknown. */
  public long firstFrame() {
    return firstFrame;
  }

  /** Nominal bitrate from the identification header in bits per second; 0 or less if unset. */
  public int bitrateNominal() {
    return bitrateNominal;
  }

  /** Returns the link's comment header. */
  public VorbisComments comments() {
    return comments;
  }

  VorbisLink withFrames(long frames, long firstFrame) {
    return new VorbisLink(index, serialNumber, format, frames, firstFrame, bitrateNominal,
        comments);
  }

  @Override
  public String toString() {
    return "VorbisLink{index=" + index + ", " + format + ", frames=" + frames + "}";
  }
}
