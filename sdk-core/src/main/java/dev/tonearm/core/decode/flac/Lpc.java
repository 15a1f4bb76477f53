package dev.tonearm.core.decode.flac;

/**
 * Restores samples from an LPC residual (RFC 9639, section 9.2.6): each sample is its residual
 * plus the weighted sum of the previous {@code order} samples, shifted right.
 */
final class Lpc {
  private Lpc() {}

  /**
   * Adds the prediction to {@code s[order, blockSize)}, which holds residuals on entry, in place.
   * {@code coefficients[0]} weighs the nearest earlier sample.
   */
  static void restore(int[] s, int blockSize, int[] coefficients, int order, int shift) {
    for (int i = order; i < blockSize; i++) {
      long sum = 0;
      for (int j = 0; j < order; j++) {
        sum += (long) coefficients[j] * s[i - 1 - j];
      }
      s[i] += (int) (sum >> shift);
    }
  }

  /** {@link #restore} for 33-bit samples: {@code residuals} holds the residual from index order. */
  static void restoreWide(
      long[] s, int[] residuals, int blockSize, int[] coefficients, int order, int shift) {
    for (int i = order; i < blockSize; i++) {
      long sum = 0;
      for (int j = 0; j < order; j++) {
        sum += coefficients[j] * s[i - 1 - j];
      }
      s[i] = residuals[i] + (sum >> shift);
    }
  }
}
