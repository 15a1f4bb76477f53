package dev.tonearm.core.decode.flac;

import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes a subframe whose samples may need 33 bits: the side channel of a stereo frame at a bit
 * depth of 31 or 32. Residuals still fit in 32 bits, so they go through the normal Rice decoder
 * into an {@code int} scratch array before the {@code long} restore.
 */
final class WideSubframes {
  private WideSubframes() {}

  static void decode(
      BitReader in,
      int type,
      int bits,
      int blockSize,
      int[] residuals,
      long[] out,
      int[] coefficients)
      throws IOException {
    if (type == 0) {
      Arrays.fill(out, 0, blockSize, in.readSignedBitsLong(bits));
      return;
    }
    if (type == 1) {
      for (int i = 0; i < blockSize; i++) {
        out[i] = in.readSignedBitsLong(bits);
      }
      return;
    }
    int order;
    if (type >= 8 && type <= 12) {
      order = type - 8;
    } else if (type >= 32) {
      order = type - 31;
    } else {
      throw BitReader.corrupt("reserved subframe type " + type);
    }
    if (order > blockSize) {
      throw BitReader.corrupt("predictor order " + order + " exceeds block size " + blockSize);
    }
    for (int i = 0; i < order; i++) {
      out[i] = in.readSignedBitsLong(bits);
    }
    if (type >= 32) {
      int shift = FrameDecoder.readLpcParameters(in, order, coefficients);
      Residuals.decode(in, residuals, blockSize, order);
      Lpc.restoreWide(out, residuals, blockSize, coefficients, order, shift);
      return;
    }
    Residuals.decode(in, residuals, blockSize, order);
    restoreFixed(out, residuals, blockSize, order);
  }

  private static void restoreFixed(long[] s, int[] residuals, int n, int order) {
    switch (order) {
      case 0:
        for (int i = 0; i < n; i++) {
          s[i] = residuals[i];
        }
        break;
      case 1:
        for (int i = 1; i < n; i++) {
          s[i] = residuals[i] + s[i - 1];
        }
        break;
      case 2:
        for (int i = 2; i < n; i++) {
          s[i] = residuals[i] + 2 * s[i - 1] - s[i - 2];
        }
        break;
      case 3:
        for (int i = 3; i < n; i++) {
          s[i] = residuals[i] + 3 * (s[i - 1] - s[i - 2]) + s[i - 3];
        }
        break;
      default:
        for (int i = 4; i < n; i++) {
          s[i] = residuals[i] + 4 * (s[i - 1] + s[i - 3]) - 6 * s[i - 2] - s[i - 4];
        }
        break;
    }
  }
}
