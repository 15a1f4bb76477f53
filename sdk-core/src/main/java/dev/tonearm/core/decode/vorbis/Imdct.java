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
  /** Whether the FFT size is 2 times a power of 4, which needs one radix-2 pass first. */
  private final boolean oddPower;
  /**
   * Twiddles of the radix-4 passes, pass after pass. Each k has six floats: cos and -sin of k,
   * 2k and 3k times 2 pi / (pass size).
   */
  private final float[] twiddles4;
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
    this.oddPower = (bits & 1) == 1;
    int count = 0;
    for (int size = oddPower ? 2 : 4; size < quarter; size *= 4) {
      count += 6 * size;
    }
    this.twiddles4 = new float[Math.max(count, 1)];
    int offset = 0;
    for (int size = oddPower ? 2 : 4; size < quarter; size *= 4) {
      for (int k = 0; k < size; k++) {
        for (int multiple = 1; multiple <= 3; multiple++) {
          double angle = 2 * Math.PI * k * multiple / (4.0 * size);
          twiddles4[offset++] = (float) Math.cos(angle);
          twiddles4[offset++] = (float) -Math.sin(angle);
        }
      }
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

  /**
   * In-place forward FFT (kernel e^{-2 pi i jk / n}) of bit-reversed input, n >= 16: a first
   * pass of size 2 or 4, which needs no multiplications, then radix-4 passes. In bit-reversed
   * order the four quarters of each block contain the sub-transforms of the indices 0, 2, 1 and 3
   * modulo 4.
   */
  private void fft(float[] re, float[] im) {
    int n = quarter;
    int size;
    if (oddPower) {
      for (int i = 0; i < n; i += 2) {
        float ar = re[i];
        float ai = im[i];
        re[i] = ar + re[i + 1];
        im[i] = ai + im[i + 1];
        re[i + 1] = ar - re[i + 1];
        im[i + 1] = ai - im[i + 1];
      }
      size = 2;
    } else {
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
      size = 4;
    }
    float[] w = twiddles4;
    int offset = 0;
    for (; size < n; size *= 4) {
      int block = 4 * size;
      for (int start = 0; start < n; start += block) {
        for (int k = 0, t = offset; k < size; k++, t += 6) {
          int i0 = start + k;
          int i1 = i0 + size;
          int i2 = i1 + size;
          int i3 = i2 + size;
          float c1 = w[t];
          float s1 = w[t + 1];
          float c2 = w[t + 2];
          float s2 = w[t + 3];
          float c3 = w[t + 4];
          float s3 = w[t + 5];
          // Quarter 1 contains the sub-transform of indices 2 mod 4 (twiddle 2k), quarter 2
          // that of 1 mod 4 (twiddle k), quarter 3 that of 3 mod 4 (twiddle 3k).
          float br = re[i1] * c2 - im[i1] * s2;
          float bi = re[i1] * s2 + im[i1] * c2;
          float cr = re[i2] * c1 - im[i2] * s1;
          float ci = re[i2] * s1 + im[i2] * c1;
          float dr = re[i3] * c3 - im[i3] * s3;
          float di = re[i3] * s3 + im[i3] * c3;
          float ar = re[i0];
          float ai = im[i0];
          float sumEvenR = ar + br;
          float sumEvenI = ai + bi;
          float diffEvenR = ar - br;
          float diffEvenI = ai - bi;
          float sumOddR = cr + dr;
          float sumOddI = ci + di;
          float diffOddR = cr - dr;
          float diffOddI = ci - di;
          re[i0] = sumEvenR + sumOddR;
          im[i0] = sumEvenI + sumOddI;
          re[i2] = sumEvenR - sumOddR;
          im[i2] = sumEvenI - sumOddI;
          re[i1] = diffEvenR + diffOddI;
          im[i1] = diffEvenI - diffOddR;
          re[i3] = diffEvenR - diffOddI;
          im[i3] = diffEvenI + diffOddR;
        }
      }
      offset += 6 * size;
    }
  }
}
