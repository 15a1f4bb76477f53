package dev.tonearm.core.decode.flac;

/**
 * A parsed FLAC frame header (RFC 9639, section 9.1). Mutable and reused from frame to frame.
 *
 * <p>{@link #parse} accepts only headers whose reserved and invalid codes are absent and whose
 * CRC-8 matches, so that a byte pattern that merely looks like a sync code is rejected.
 */
final class FrameHeader {
  /** Maximum header length: sync, 2 code bytes, 7-byte number, 2 + 2 extra bytes, CRC-8. */
  static final int MAX_BYTES = 16;

  /** Header is valid. */
  static final int VALID = 1;

  /** Bytes do not form a valid header. */
  static final int INVALID = 0;

  /** More bytes are needed to decide. */
  static final int NEED_MORE = -1;

  static final int INDEPENDENT = 0;
  static final int LEFT_SIDE = 8;
  static final int SIDE_RIGHT = 9;
  static final int MID_SIDE = 10;

  private static final int[] SAMPLE_RATES_HZ = {
    0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000
  };
  private static final int[] BITS_PER_SAMPLE = {0, 8, 12, -1, 16, 20, 24, 32};

  /** Samples per channel in this frame, 1 to 65535. */
  int blockSize;

  /** Sample rate in Hz, or 0 when the header defers to STREAMINFO. */
  int sampleRateHz;

  /** Channel assignment code: 0 to 7 for independent channels, or a stereo decorrelation code. */
  int channelAssignment;

  int channels;

  /** Bits per sample, or 0 when the header defers to STREAMINFO. */
  int bitsPerSample;

  /** Blocking strategy bit: the coded number is a sample number rather than a frame number. */
  boolean variableBlockSize;

  /** The coded frame or sample number. */
  long codedNumber;

  /** Header length in bytes, including the CRC-8. */
  int lengthBytes;

  /**
   * Parses a header from {@code data[offset, offset + available)}.
   *
   * @param atEnd whether no bytes follow the available ones
   * @return {@link #VALID}, {@link #INVALID} or {@link #NEED_MORE}
   */
  int parse(byte[] data, int offset, int available, boolean atEnd) {
    if (available < 4) {
      return atEnd ? INVALID : NEED_MORE;
    }
    if ((data[offset] & 0xFF) != 0xFF || (data[offset + 1] & 0xFE) != 0xF8) {
      return INVALID;
    }
    variableBlockSize = (data[offset + 1] & 1) != 0;
    int blockSizeCode = (data[offset + 2] >>> 4) & 0xF;
    int sampleRateCode = data[offset + 2] & 0xF;
    int channelCode = (data[offset + 3] >>> 4) & 0xF;
    int bitsCode = (data[offset + 3] >>> 1) & 0x7;
    if (blockSizeCode == 0
        || sampleRateCode == 0xF
        || channelCode > MID_SIDE
        || bitsCode == 3
        || (data[offset + 3] & 1) != 0) {
      return INVALID;
    }

    int index = offset + 4;
    int end = offset + available;
    if (index >= end) {
      return atEnd ? INVALID : NEED_MORE;
    }
    int first = data[index++] & 0xFF;
    int extraBytes;
    long number;
    if (first < 0x80) {
      extraBytes = 0;
      number = first;
    } else if (first >= 0xC0 && first < 0xE0) {
      extraBytes = 1;
      number = first & 0x1F;
    } else if (first >= 0xE0 && first < 0xF0) {
      extraBytes = 2;
      number = first & 0x0F;
    } else if (first >= 0xF0 && first < 0xF8) {
      extraBytes = 3;
      number = first & 0x07;
    } else if (first >= 0xF8 && first < 0xFC) {
      extraBytes = 4;
      number = first & 0x03;
    } else if (first >= 0xFC && first < 0xFE) {
      extraBytes = 5;
      number = first & 0x01;
    } else if (first == 0xFE) {
      extraBytes = 6;
      number = 0;
    } else {
      return INVALID;
    }
    int trailing = extraBytes + sizeFieldBytes(blockSizeCode) + rateFieldBytes(sampleRateCode) + 1;
    if (end - index < trailing) {
      return atEnd ? INVALID : NEED_MORE;
    }
    for (int i = 0; i < extraBytes; i++) {
      int next = data[index++] & 0xFF;
      if ((next & 0xC0) != 0x80) {
        return INVALID;
      }
      number = (number << 6) | (next & 0x3F);
    }
    codedNumber = number;

    if (blockSizeCode == 1) {
      blockSize = 192;
    } else if (blockSizeCode <= 5) {
      blockSize = 576 << (blockSizeCode - 2);
    } else if (blockSizeCode == 6) {
      blockSize = (data[index++] & 0xFF) + 1;
    } else if (blockSizeCode == 7) {
      blockSize = (((data[index] & 0xFF) << 8) | (data[index + 1] & 0xFF)) + 1;
      index += 2;
    } else {
      blockSize = 256 << (blockSizeCode - 8);
    }
    // 65536 fits the header field but not STREAMINFO, and RFC 9639 caps block sizes at 65535.
    if (blockSize > 65535) {
      return INVALID;
    }

    if (sampleRateCode < 12) {
      sampleRateHz = SAMPLE_RATES_HZ[sampleRateCode];
    } else if (sampleRateCode == 12) {
      sampleRateHz = (data[index++] & 0xFF) * 1000;
    } else {
      int value = ((data[index] & 0xFF) << 8) | (data[index + 1] & 0xFF);
      index += 2;
      sampleRateHz = sampleRateCode == 13 ? value : value * 10;
    }

    channelAssignment = channelCode;
    channels = channelCode < LEFT_SIDE ? channelCode + 1 : 2;
    bitsPerSample = BITS_PER_SAMPLE[bitsCode];

    lengthBytes = index - offset + 1;
    if (Crc.crc8(data, offset, lengthBytes - 1) != (data[index] & 0xFF)) {
      return INVALID;
    }
    return VALID;
  }

  private static int sizeFieldBytes(int blockSizeCode) {
    if (blockSizeCode == 6) {
      return 1;
    }
    return blockSizeCode == 7 ? 2 : 0;
  }

  private static int rateFieldBytes(int sampleRateCode) {
    if (sampleRateCode == 12) {
      return 1;
    }
    return sampleRateCode >= 13 ? 2 : 0;
  }

  /** Copies every field of {@code other}. */
  void copyFrom(FrameHeader other) {
    blockSize = other.blockSize;
    sampleRateHz = other.sampleRateHz;
    channelAssignment = other.channelAssignment;
    channels = other.channels;
    bitsPerSample = other.bitsPerSample;
    variableBlockSize = other.variableBlockSize;
    codedNumber = other.codedNumber;
    lengthBytes = other.lengthBytes;
  }
}
