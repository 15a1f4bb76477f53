package dev.tonearm.core.decode.flac;

import java.io.IOException;
import java.util.Arrays;

/** Decodes the partitioned Rice residual of a subframe (RFC 9639, section 9.2.7). */
final class Residuals {
  private Residuals() {}

  /**
   * Decodes the residual of a subframe with {@code blockSize} samples and predictor order {@code
   * order} into {@code out[order, blockSize)}.
   */
  static void decode(BitReader in, int[] out, int blockSize, int order) throws IOException {
    int method = in.readBits(2);
    if (method > 1) {
      throw BitReader.corrupt("reserved residual coding method " + method);
    }
    int parameterBits = method == 0 ? 4 : 5;
    int escapeCode = (1 << parameterBits) - 1;

    int partitionOrder = in.readBits(4);
    int partitionSize = blockSize >>> partitionOrder;
    if (partitionSize << partitionOrder != blockSize) {
      throw BitReader.corrupt(
          "block size " + blockSize + " is not a multiple of 2^" + partitionOrder + " partitions");
    }
    if (partitionSize < order) {
      throw BitReader.corrupt(
          "first residual partition of "
              + partitionSize
              + " samples is shorter than predictor "
              + "order "
              + order);
    }

    int partitions = 1 << partitionOrder;
    int start = order;
    int end = partitionSize;
    for (int partition = 0; partition < partitions; partition++) {
      int parameter = in.readBits(parameterBits);
      if (parameter != escapeCode) {
        in.readRiceBlock(out, start, end, parameter);
      } else {
        int rawBits = in.readBits(5);
        if (rawBits == 0) {
          Arrays.fill(out, start, end, 0);
        } else {
          for (int i = start; i < end; i++) {
            out[i] = in.readSignedBits(rawBits);
          }
        }
      }
      start = end;
      end += partitionSize;
    }
  }
}
