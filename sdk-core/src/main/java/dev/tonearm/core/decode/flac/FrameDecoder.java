package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.PcmFormat;
import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes the subframes of one FLAC frame (RFC 9639, section 9.2) into per-channel buffers and
 * writes them out interleaved, undoing stereo decorrelation.
 *
 * <p>Samples are kept in {@code int} arrays. The one value that can need 33 bits is the side
 * channel of a 32-bit stream (left minus right); when the frame's bit depth is 31 or more and the
 * channels are decorrelated, the side channel is kept in a {@code long} array instead and the
 * stereo arithmetic runs in 64 bits. Fixed predictors use {@code int} arithmetic: their sums only
 * add and multiply, so two's complement wraparound still gives the exact result whenever that
 * result fits the sample. LPC sums are shifted before use, so they are accumulated in {@code long},
 * which fits any sum of 32 products of a 15-bit coefficient and a 33-bit sample.
 *
 * <p>Not thread-safe; owned by one decoder.
 */
final class FrameDecoder {
  static final int MAX_LPC_ORDER = 32;

  private final int[][] channelSamples = new int[PcmFormat.MAX_CHANNELS][];
  private long[] wideSide = new long[0];
  private final int[] coefficients = new int[MAX_LPC_ORDER];

  private int blockSize;
  private int channels;
  private int channelAssignment;
  private int bitsPerSample;
  private boolean wide;

  FrameDecoder() {
    for (int i = 0; i < channelSamples.length; i++) {
      channelSamples[i] = new int[0];
    }
  }

  /** Samples per channel in the last decoded frame. */
  int blockSize() {
    return blockSize;
  }

  /**
   * Decodes every subframe of a frame whose header {@code header} has been read, leaving {@code in}
   * just after the last subframe (before the byte padding and CRC-16).
   *
   * @param bitsPerSample the frame's bit depth, resolved against STREAMINFO
   */
  void decodeSubframes(BitReader in, FrameHeader header, int bitsPerSample) throws IOException {
    this.blockSize = header.blockSize;
    this.channels = header.channels;
    this.channelAssignment = header.channelAssignment;
    this.bitsPerSample = bitsPerSample;
    this.wide = bitsPerSample >= 31 && channelAssignment >= FrameHeader.LEFT_SIDE;
    ensureCapacity(blockSize);
    int sideChannel = sideChannel(channelAssignment);
    for (int channel = 0; channel < channels; channel++) {
      int subframeBits = channel == sideChannel ? bitsPerSample + 1 : bitsPerSample;
      decodeSubframe(in, channel, subframeBits, wide && channel == sideChannel);
    }
  }

  private static int sideChannel(int channelAssignment) {
    switch (channelAssignment) {
      case FrameHeader.LEFT_SIDE:
      case FrameHeader.MID_SIDE:
        return 1;
      case FrameHeader.SIDE_RIGHT:
        return 0;
      default:
        return -1;
    }
  }

  private void ensureCapacity(int samples) {
    if (channelSamples[0].length < samples) {
      for (int i = 0; i < channelSamples.length; i++) {
        channelSamples[i] = new int[samples];
      }
    }
    if (wide && wideSide.length < samples) {
      wideSide = new long[samples];
    }
  }

  private void decodeSubframe(BitReader in, int channel, int bits, boolean intoWide)
      throws IOException {
    int header = in.readBits(8);
    if ((header & 0x80) != 0) {
      throw BitReader.corrupt("subframe padding bit is set");
    }
    int type = (header >>> 1) & 0x3F;
    int wastedBits = 0;
    if ((header & 1) != 0) {
      wastedBits = in.readUnary(bits - 2) + 1;
      bits -= wastedBits;
    }
    int[] samples = channelSamples[channel];
    if (intoWide) {
      WideSubframes.decode(in, type, bits, blockSize, samples, wideSide, coefficients);
      if (wastedBits > 0) {
        for (int i = 0; i < blockSize; i++) {
          wideSide[i] <<= wastedBits;
        }
      }
      return;
    }
    if (type == 0) {
      Arrays.fill(samples, 0, blockSize, in.readSignedBits(bits));
    } else if (type == 1) {
      for (int i = 0; i < blockSize; i++) {
        samples[i] = in.readSignedBits(bits);
      }
    } else if (type >= 8 && type <= 12) {
      decodeFixed(in, samples, type - 8, bits);
    } else if (type >= 32) {
      decodeLpc(in, samples, type - 31, bits);
    } else {
      throw BitReader.corrupt("reserved subframe type " + type);
    }
    if (wastedBits > 0) {
      for (int i = 0; i < blockSize; i++) {
        samples[i] <<= wastedBits;
      }
    }
  }

  private void decodeFixed(BitReader in, int[] s, int order, int bits) throws IOException {
    if (order > blockSize) {
      throw BitReader.corrupt(
          "fixed predictor order " + order + " exceeds block size " + blockSize);
    }
    for (int i = 0; i < order; i++) {
      s[i] = in.readSignedBits(bits);
    }
    Residuals.decode(in, s, blockSize, order);
    restoreFixed(s, blockSize, order);
  }

  /**
   * Adds the fixed prediction of {@code order} to the residuals in {@code s[order, n)}. The
   * previous samples ride in locals, newest added last, so that each step depends on the one before
   * only through an add rather than a store and reload.
   */
  private static void restoreFixed(int[] s, int n, int order) {
    if (order == 0 || n <= order) {
      return;
    }
    int a = s[order - 1];
    int b = order >= 2 ? s[order - 2] : 0;
    int c = order >= 3 ? s[order - 3] : 0;
    int d = order >= 4 ? s[order - 4] : 0;
    switch (order) {
      case 1:
        for (int i = 1; i < n; i++) {
          a += s[i];
          s[i] = a;
        }
        return;
      case 2:
        for (int i = 2; i < n; i++) {
          int v = (s[i] - b) + 2 * a;
          b = a;
          a = v;
          s[i] = v;
        }
        return;
      case 3:
        for (int i = 3; i < n; i++) {
          int v = (s[i] + c - 3 * b) + 3 * a;
          c = b;
          b = a;
          a = v;
          s[i] = v;
        }
        return;
      default:
        for (int i = 4; i < n; i++) {
          int v = (s[i] - d + 4 * c - 6 * b) + 4 * a;
          d = c;
          c = b;
          b = a;
          a = v;
          s[i] = v;
        }
        return;
    }
  }

  private void decodeLpc(BitReader in, int[] s, int order, int bits) throws IOException {
    if (order > blockSize) {
      throw BitReader.corrupt("LPC order " + order + " exceeds block size " + blockSize);
    }
    for (int i = 0; i < order; i++) {
      s[i] = in.readSignedBits(bits);
    }
    int shift = readLpcParameters(in, order, coefficients);
    Residuals.decode(in, s, blockSize, order);
    Lpc.restore(s, blockSize, coefficients, order, shift);
  }

  /**
   * Reads the coefficient precision, shift and coefficients of an LPC subframe into {@code
   * coefficients[0, order)}, nearest-sample coefficient first.
   *
   * @return the right shift applied to each prediction
   */
  static int readLpcParameters(BitReader in, int order, int[] coefficients) throws IOException {
    int precision = in.readBits(4) + 1;
    if (precision == 16) {
      throw BitReader.corrupt("invalid LPC coefficient precision code 15");
    }
    int shift = in.readSignedBits(5);
    if (shift < 0) {
      throw BitReader.corrupt("negative LPC shift " + shift);
    }
    for (int i = 0; i < order; i++) {
      coefficients[i] = in.readSignedBits(precision);
    }
    return shift;
  }

  /**
   * Writes frames {@code [from, from + count)} of the last decoded frame to {@code out}
   * interleaved, starting at index 0.
   */
  void interleave(int[] out, int from, int count) {
    int[] a = channelSamples[0];
    int end = from + count;
    if (channels == 2) {
      int[] b = channelSamples[1];
      if (wide) {
        interleaveWide(out, from, count);
        return;
      }
      int o = 0;
      switch (channelAssignment) {
        case FrameHeader.LEFT_SIDE:
          for (int i = from; i < end; i++, o += 2) {
            int left = a[i];
            out[o] = left;
            out[o + 1] = left - b[i];
          }
          return;
        case FrameHeader.SIDE_RIGHT:
          for (int i = from; i < end; i++, o += 2) {
            int right = b[i];
            out[o] = a[i] + right;
            out[o + 1] = right;
          }
          return;
        case FrameHeader.MID_SIDE:
          // Valid for bit depths up to 30: mid * 2 + side then needs at most 32 bits.
          for (int i = from; i < end; i++, o += 2) {
            int side = b[i];
            int mid = (a[i] << 1) | (side & 1);
            out[o] = (mid + side) >> 1;
            out[o + 1] = (mid - side) >> 1;
          }
          return;
        default:
          for (int i = from; i < end; i++, o += 2) {
            out[o] = a[i];
            out[o + 1] = b[i];
          }
          return;
      }
    }
    if (channels == 1) {
      System.arraycopy(a, from, out, 0, count);
      return;
    }
    for (int channel = 0; channel < channels; channel++) {
      int[] samples = channelSamples[channel];
      for (int i = from, o = channel; i < end; i++, o += channels) {
        out[o] = samples[i];
      }
    }
  }

  private void interleaveWide(int[] out, int from, int count) {
    int end = from + count;
    int o = 0;
    switch (channelAssignment) {
      case FrameHeader.LEFT_SIDE:
        {
          int[] left = channelSamples[0];
          for (int i = from; i < end; i++, o += 2) {
            out[o] = left[i];
            out[o + 1] = (int) (left[i] - wideSide[i]);
          }
          return;
        }
      case FrameHeader.SIDE_RIGHT:
        {
          int[] right = channelSamples[1];
          for (int i = from; i < end; i++, o += 2) {
            out[o] = (int) (wideSide[i] + right[i]);
            out[o + 1] = right[i];
          }
          return;
        }
      default:
        {
          int[] mids = channelSamples[0];
          for (int i = from; i < end; i++, o += 2) {
            long side = wideSide[i];
            long mid = ((long) mids[i] << 1) | (side & 1);
            out[o] = (int) ((mid + side) >> 1);
            out[o + 1] = (int) ((mid - side) >> 1);
          }
          return;
        }
    }
  }
}
