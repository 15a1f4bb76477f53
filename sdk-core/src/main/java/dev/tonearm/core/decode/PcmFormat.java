package dev.tonearm.core.decode;

import java.util.Objects;

/**
 * Layout of decoded PCM: sample rate, channel count and bit depth. Immutable.
 *
 * <p>Samples are signed integers at {@link #bitsPerSample()} bits, interleaved by frame. Channels
 * follow the WAVE and FLAC order (front left, front right, front centre, LFE, back or side left,
 * back or side right, ...); decoders whose container uses another order remap before output.
 *
 * <p>The sample rate is a {@code long} because Vorbis stores it as an unsigned 32-bit field, and
 * valid streams exist whose rate does not fit in an {@code int}.
 */
public final class PcmFormat {
  /** Maximum channel count that any decoder in this SDK produces (FLAC and Vorbis both allow 8). */
  public static final int MAX_CHANNELS = 8;

  private final long sampleRateHz;
  private final int channels;
  private final int bitsPerSample;

  /**
   * Creates a format.
   *
   * @param sampleRateHz frames per second, 1 to 2^32 - 1
   * @param channels 1 to {@link #MAX_CHANNELS}
   * @param bitsPerSample 4 to 32
   */
  public PcmFormat(long sampleRateHz, int channels, int bitsPerSample) {
    if (sampleRateHz < 1 || sampleRateHz > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("sampleRateHz must be in [1, 2^32 - 1]: " + sampleRateHz);
    }
    if (channels < 1 || channels > MAX_CHANNELS) {
      throw new IllegalArgumentException(
          "channels must be in [1, " + MAX_CHANNELS + "]: " + channels);
    }
    if (bitsPerSample < 4 || bitsPerSample > 32) {
      throw new IllegalArgumentException("bitsPerSample must be in [4, 32]: " + bitsPerSample);
    }
    this.sampleRateHz = sampleRateHz;
    this.channels = channels;
    this.bitsPerSample = bitsPerSample;
  }

  /** Frames per second. */
  public long sampleRateHz() {
    return sampleRateHz;
  }

  /** Number of interleaved channels in each frame. */
  public int channels() {
    return channels;
  }

  /** Significant bits of each signed sample. */
  public int bitsPerSample() {
    return bitsPerSample;
  }

  /** Bytes that one sample takes when packed little-endian: ceil(bitsPerSample / 8). */
  public int bytesPerSample() {
    return (bitsPerSample + 7) / 8;
  }

  /** Converts a frame count to microseconds at this rate, rounding down. */
  public long framesToUs(long frames) {
    return frames / sampleRateHz * 1_000_000L + (frames % sampleRateHz) * 1_000_000L / sampleRateHz;
  }

  /** Converts microseconds to a frame count at this rate, rounding down. */
  public long usToFrames(long us) {
    return us / 1_000_000L * sampleRateHz + (us % 1_000_000L) * sampleRateHz / 1_000_000L;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PcmFormat)) {
      return false;
    }
    PcmFormat that = (PcmFormat) o;
    return sampleRateHz == that.sampleRateHz
        && channels == that.channels
        && bitsPerSample == that.bitsPerSample;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sampleRateHz, channels, bitsPerSample);
  }

  @Override
  public String toString() {
    return sampleRateHz + " Hz, " + channels + " ch, " + bitsPerSample + " bit";
  }
}
