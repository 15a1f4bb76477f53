package dev.tonearm.core.decode.flac;

/**
 * Restores samples from an LPC residual (RFC 9639, section 9.2.6): each sample is its residual plus
 * the weighted sum of the previous {@code order} samples, shifted right.
 *
 * <p>Orders 1 to 12, which cover the reference encoder's presets, have unrolled loops with the
 * coefficients in locals (an {@code int[]} store could alias the coefficient array, so the JIT
 * would reload them otherwise) and the newest sample carried in a local and added last, so the
 * sample-to-sample dependency is one multiply, add and shift instead of a store, a load and a chain
 * of adds. This roughly halves the time per sample on HotSpot; higher orders use the plain loop.
 */
final class Lpc {
  private Lpc() {}

  /**
   * Adds the prediction to {@code s[order, blockSize)}, which holds residuals on entry, in place.
   * {@code coefficients[0]} weighs the nearest earlier sample. Sums are 64-bit: 32 products of a
   * 15-bit coefficient and a 33-bit sample fit.
   */
  static void restore(int[] s, int blockSize, int[] coefficients, int order, int shift) {
    switch (order) {
      case 1:
        restore1(s, blockSize, coefficients, shift);
        return;
      case 2:
        restore2(s, blockSize, coefficients, shift);
        return;
      case 3:
        restore3(s, blockSize, coefficients, shift);
        return;
      case 4:
        restore4(s, blockSize, coefficients, shift);
        return;
      case 5:
        restore5(s, blockSize, coefficients, shift);
        return;
      case 6:
        restore6(s, blockSize, coefficients, shift);
        return;
      case 7:
        restore7(s, blockSize, coefficients, shift);
        return;
      case 8:
        restore8(s, blockSize, coefficients, shift);
        return;
      case 9:
        restore9(s, blockSize, coefficients, shift);
        return;
      case 10:
        restore10(s, blockSize, coefficients, shift);
        return;
      case 11:
        restore11(s, blockSize, coefficients, shift);
        return;
      case 12:
        restore12(s, blockSize, coefficients, shift);
        return;
      default:
        restoreAnyOrder(s, blockSize, coefficients, order, shift);
        return;
    }
  }

  private static void restoreAnyOrder(
      int[] s, int blockSize, int[] coefficients, int order, int shift) {
    for (int i = order; i < blockSize; i++) {
      long sum = 0;
      for (int j = 0; j < order; j++) {
        sum += (long) coefficients[j] * s[i - 1 - j];
      }
      s[i] += (int) (sum >> shift);
    }
  }

  /** Runs {@link #restore} on 33-bit samples, taking residuals from {@code residuals[order, n)}. */
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

  private static void restore1(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    int last = s[0];
    for (int i = 1; i < n; i++) {
      long sum = c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore2(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    int last = s[1];
    for (int i = 2; i < n; i++) {
      long sum = c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore3(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    int last = s[2];
    for (int i = 3; i < n; i++) {
      long sum = c2 * s[i - 3] + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore4(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    int last = s[3];
    for (int i = 4; i < n; i++) {
      long sum = c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore5(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    int last = s[4];
    for (int i = 5; i < n; i++) {
      long sum = c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore6(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    int last = s[5];
    for (int i = 6; i < n; i++) {
      long sum = c5 * s[i - 6] + c4 * s[i - 5] + c3 * s[i - 4] + c2 * s[i - 3] + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore7(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    int last = s[6];
    for (int i = 7; i < n; i++) {
      long sum =
          c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore8(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    final long c7 = c[7];
    int last = s[7];
    for (int i = 8; i < n; i++) {
      long sum =
          c7 * s[i - 8]
              + c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore9(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    final long c7 = c[7];
    final long c8 = c[8];
    int last = s[8];
    for (int i = 9; i < n; i++) {
      long sum =
          c8 * s[i - 9]
              + c7 * s[i - 8]
              + c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore10(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    final long c7 = c[7];
    final long c8 = c[8];
    final long c9 = c[9];
    int last = s[9];
    for (int i = 10; i < n; i++) {
      long sum =
          c9 * s[i - 10]
              + c8 * s[i - 9]
              + c7 * s[i - 8]
              + c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore11(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    final long c7 = c[7];
    final long c8 = c[8];
    final long c9 = c[9];
    final long c10 = c[10];
    int last = s[10];
    for (int i = 11; i < n; i++) {
      long sum =
          c10 * s[i - 11]
              + c9 * s[i - 10]
              + c8 * s[i - 9]
              + c7 * s[i - 8]
              + c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }

  private static void restore12(int[] s, int n, int[] c, int shift) {
    final long c0 = c[0];
    final long c1 = c[1];
    final long c2 = c[2];
    final long c3 = c[3];
    final long c4 = c[4];
    final long c5 = c[5];
    final long c6 = c[6];
    final long c7 = c[7];
    final long c8 = c[8];
    final long c9 = c[9];
    final long c10 = c[10];
    final long c11 = c[11];
    int last = s[11];
    for (int i = 12; i < n; i++) {
      long sum =
          c11 * s[i - 12]
              + c10 * s[i - 11]
              + c9 * s[i - 10]
              + c8 * s[i - 9]
              + c7 * s[i - 8]
              + c6 * s[i - 7]
              + c5 * s[i - 6]
              + c4 * s[i - 5]
              + c3 * s[i - 4]
              + c2 * s[i - 3]
              + c1 * s[i - 2];
      sum += c0 * last;
      last = s[i] + (int) (sum >> shift);
      s[i] = last;
    }
  }
}
