package dev.tonearm.core.decode.vorbis;

/**
 * Inverse MDCT of one block size, computed through a DCT-IV of half the block size, which in turn
 * uses a complex FFT of a quarter of the block size (pre-twiddle, FFT, post-twiddle).
 *
 * <p>{@link #dct4} returns {@code u[k] = sum_j X[j] cos(pi/M (k + 1/2)(j + 1/2))} for the
 * {@code M = N/2} coefficients of a block of {@code N} samples. The inverse MDCT output
 * {@code y[0..N)} then follows from symmetry: {@code y[t] = u[t + M/2]} for {@code t < M/2},
 * {@code -u[3M/2 - 1 - t]} for {@code M/2 <= t < 3M/2} and {@code -u[t - 3M/2]} above; the
 * synthesis step reads {@code u} directly instead of building {@code y}. Not thread-safe: it keeps
 * FFT scratch.
 */
final class Imdct {
  private final int half;
  private final int quarter;
  private final int[] bitReverse;
  private final float[] twiddleCos;
  private final float[] twiddleSin;
  /** Twiddles of the stages from size 8 up, stage after stage: cos, then -sin. */
  private final float[] stageCos;
  private final float[] stageSin;
  private final float[] real;
  private final float[] imag;

  /** Creates a transform for blocks of {@code blockSize} samples, a power of two from 64. */
  Imdct(int blockSize) {
    this.half = blockSize / 2;
    this.quarter = blockSize / 4;
    int bits = Integer.numberOfTrailingZeros(quarter);
    this.bitReverse = new int[quarter];
    for (int i = 0; i < quarter; i++) {
      bitReverse[i] = Integer.reverse(i) >>> (32 - bits);
    }
    this.twiddleCos = new float[quarter];
    this.twiddleSin = new float[quarter];
    for (int i = 0; i < quarter; i++) {
      double angle = Math.PI * (i + 0.125) / half;
      twiddleCos[i] = (float) Math.cos(angle);
      twiddleSin[i] = (float) Math.sin(angle);
    }
    int twiddles = 0;
    for (int size = 8; size <= quarter; size <<= 1) {
      twiddles += size / 2;
    }
    this.stageCos = new float[Math.max(twiddles, 1)];
    this.stageSin = new float[Math.max(twiddles, 1)];
    int offset = 0;
    for (int size = 8; size <= quarter; size <<= 1) {
      for (int k = 0; k < size / 2; k++) {
        double angle = 2 * Math.PI * k / size;
        stageCos[offset + k] = (float) Math.cos(angle);
        stageSin[offset + k] = (float) -Math.sin(angle);
      }
      offset += size / 2;
    }
    this.real = new float[quarter];
    this.imag = new float[quarter];
  }

  /** Computes the DCT-IV of {@code x[0..N/2)} into {@code u[0..N/2)}; the arrays may be equal. */
  void dct4(float[] x, float[] u) {
    float[] re = real;
    float[] im = imag;
    int m = half;
    for (int k = 0; k < quarter; k++) {
      float a = x[2 * k];
      float b = x[m - 1 - 2 * k];
      float c = twiddleCos[k];
      float s = twiddleSin[k];
      int target = bitReverse[k];
      re[target] = a * c + b * s;
      im[target] = b * c - a * s;
    }
    fft(re, im);
    for (int p = 0; p < quarter; p++) {
      float a = re[p];
      float b = im[p];
      float c = twiddleCos[p];
      float s = twiddleSin[p];
      u[2 * p] = a * c + b * s;
      u[m - 1 - 2 * p] = -(b * c - a * s);
    }
  }

  /** In-place forward FFT (kernel e^{-2 pi i jk / n}) of bit-reversed input, n >= 16. */
  private void fft(float[] re, float[] im) {
    int n = quarter;
    // Stages of size 2 and 4 together: their twiddles are 1 and -i, so no multiplications.
    for (int i = 0; i < n; i += 4) {
      float a0r = re[i] + re[i + 1];
      float a0i = im[i] + im[i + 1];
      float a1r = re[i] - re[i + 1];
      float a1i = im[i] - im[i + 1];
      float a2r = re[i + 2] + re[i + 3];
      float a2i = im[i + 2] + im[i + 3];
      float a3r = re[i + 2] - re[i + 3];
      float a3i = im[i + 2] - im[i + 3];
      re[i] = a0r + a2r;
      im[i] = a0i + a2i;
      re[i + 2] = a0r - a2r;
      im[i + 2] = a0i - a2i;
      re[i + 1] = a1r + a3i;
      im[i + 1] = a1i - a3r;
      re[i + 3] = a1r - a3i;
      im[i + 3] = a1i + a3r;
    }
    int twiddleOffset = 0;
    for (int size = 8; size <= n; size <<= 1) {
      int halfSize = size >>> 1;
      for (int start = 0; start < n; start += size) {
        for (int k = 0; k < halfSize; k++) {
          int i = start + k;
          int j = i + halfSize;
          float wr = stageCos[twiddleOffset + k];
          float wi = stageSin[twiddleOffset + k];
          float xr = re[j];
          float xi = im[j];
          float tr = xr * wr - xi * wi;
          float ti = xr * wi + xi * wr;
          float yr = re[i];
          float yi = im[i];
          re[j] = yr - tr;
          im[j] = yi - ti;
          re[i] = yr + tr;
          im[i] = yi + ti;
        }
      }
      twiddleOffset += halfSize;
    }
  }
}
