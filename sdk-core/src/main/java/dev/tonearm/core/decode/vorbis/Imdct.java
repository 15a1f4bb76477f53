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
  private final float[] fftCos;
  private final float[] fftSin;
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
    this.fftCos = new float[Math.max(1, quarter / 2)];
    this.fftSin = new float[Math.max(1, quarter / 2)];
    for (int i = 0; i < quarter / 2; i++) {
      double angle = 2 * Math.PI * i / quarter;
      fftCos[i] = (float) Math.cos(angle);
      fftSin[i] = (float) Math.sin(angle);
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

  /** In-place forward FFT (kernel e^{-2 pi i jk / n}) of bit-reversed input. */
  private void fft(float[] re, float[] im) {
    int n = quarter;
    for (int size = 2; size <= n; size <<= 1) {
      int halfSize = size >>> 1;
      int tableStep = n / size;
      for (int k = 0; k < halfSize; k++) {
        float wr = fftCos[k * tableStep];
        float wi = -fftSin[k * tableStep];
        for (int start = k; start < n; start += size) {
          int j = start + halfSize;
          float tr = re[j] * wr - im[j] * wi;
          float ti = re[j] * wi + im[j] * wr;
          re[j] = re[start] - tr;
          im[j] = im[start] - ti;
          re[start] += tr;
          im[start] += ti;
        }
      }
    }
  }
}
