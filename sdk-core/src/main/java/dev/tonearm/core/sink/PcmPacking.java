package dev.tonearm.core.sink;

/**
 * Packs interleaved signed integer samples into little-endian bytes, {@code ceil(bits / 8)} bytes
 * per sample. Stateless and thread-safe.
 */
public final class PcmPacking {
  /** Position of a sample of {@code bits} bits within its whole-byte container. */
  public enum Layout {
    /**
     * The sample value as is, sign-extended to the container: the layout over which FLAC computes
     * its STREAMINFO MD5.
     */
    SIGNED_RIGHT_JUSTIFIED,
    /**
     * Shifted left so that its most significant bit is the container's, as WAVE and most sound
     * devices expect. Full scale is then the container's full scale.
     */
    SIGNED_LEFT_JUSTIFIED,
    /** As {@link #SIGNED_LEFT_JUSTIFIED}, except that 1-byte containers are unsigned (WAVE). */
    WAVE
  }

  private PcmPacking() {}

  /** Bytes that one sample of {@code bitsPerSample} bits takes: ceil(bitsPerSample / 8). */
  public static int containerBytes(int bitsPerSample) {
    return (bitsPerSample + 7) / 8;
  }

  /**
   * Packs {@code sampleCount} samples, starting at {@code samples[sampleOffset]}, into {@code out}
   * at {@code outOffset}.
   *
   * @return bytes written: {@code sampleCount * containerBytes(bitsPerSample)}
   */
  public static int pack(
      int[] samples,
      int sampleOffset,
      int sampleCount,
      int bitsPerSample,
      Layout layout,
      byte[] out,
      int outOffset) {
    if (bitsPerSample < 1 || bitsPerSample > 32) {
      throw new IllegalArgumentException("bitsPerSample must be in [1, 32]: " + bitsPerSample);
    }
    int bytes = containerBytes(bitsPerSample);
    int shift = layout == Layout.SIGNED_RIGHT_JUSTIFIED ? 0 : bytes * 8 - bitsPerSample;
    int offset = outOffset;
    if (bytes == 1) {
      int bias = layout == Layout.WAVE ? 0x80 : 0;
      for (int i = 0; i < sampleCount; i++) {
        out[offset++] = (byte) ((samples[sampleOffset + i] << shift) + bias);
      }
      return sampleCount;
    }
    for (int i = 0; i < sampleCount; i++) {
      int value = samples[sampleOffset + i] << shift;
      out[offset++] = (byte) value;
      out[offset++] = (byte) (value >> 8);
      if (bytes > 2) {
        out[offset++] = (byte) (value >> 16);
        if (bytes > 3) {
          out[offset++] = (byte) (value >> 24);
        }
      }
    }
    return sampleCount * bytes;
  }
}
