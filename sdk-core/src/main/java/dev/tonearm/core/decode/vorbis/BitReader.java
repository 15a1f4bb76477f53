package dev.tonearm.core.decode.vorbis;

/**
 * Reads a Vorbis packet as a little-endian bit stream: the first bit read is the least significant
 * bit of the first byte (Vorbis I specification, section 2.1).
 *
 * <p>Reading past the end of the packet sets {@link #isEndOfPacket()} and returns -1 from
 * {@link #readBits(int)}, as the specification's end-of-packet condition requires; every later
 * read also returns -1. Not thread-safe.
 */
final class BitReader {
  private byte[] data;
  private int limit;
  /** Index of the next byte to load into {@link #accumulator}. */
  private int bytePosition;
  /** Buffered bits, the next bit to read in bit 0. */
  long accumulator;
  /** Number of valid bits in {@link #accumulator}. */
  int bufferedBits;
  private boolean endOfPacket;

  /** Starts reading {@code length} bytes of {@code data} from {@code offset}. */
  void reset(byte[] data, int offset, int length) {
    this.data = data;
    this.limit = offset + length;
    this.bytePosition = offset;
    this.accumulator = 0;
    this.bufferedBits = 0;
    this.endOfPacket = false;
  }

  /** Reads {@code count} bits (0 to 32) as an unsigned value, or returns -1 past the end. */
  int readBits(int count) {
    if (bufferedBits < count) {
      refill();
      if (bufferedBits < count) {
        markEndOfPacket();
        return -1;
      }
    }
    int value = (int) (accumulator & ((1L << count) - 1));
    accumulator >>>= count;
    bufferedBits -= count;
    return value;
  }

  /** Reads 32 bits as an unsigned value, or returns -1 past the end. */
  long readUnsigned32() {
    if (bufferedBits < 32) {
      refill();
      if (bufferedBits < 32) {
        markEndOfPacket();
        return -1;
      }
    }
    long value = accumulator & 0xFFFF_FFFFL;
    accumulator >>>= 32;
    bufferedBits -= 32;
    return value;
  }

  /** Reads one bit; false past the end. */
  boolean readFlag() {
    return readBits(1) == 1;
  }

  /** Returns whether a read went past the end of the packet. */
  boolean isEndOfPacket() {
    return endOfPacket;
  }

  /** Bits left to read. */
  long remainingBits() {
    return bufferedBits + 8L * (limit - bytePosition);
  }

  /** Loads at least 32 bits, or what is left of the packet, unless 57 bits are buffered. */
  void refill() {
    if (bufferedBits <= 32 && limit - bytePosition >= 4) {
      byte[] d = data;
      int p = bytePosition;
      long word = (d[p] & 0xFFL) | (d[p + 1] & 0xFFL) << 8 | (d[p + 2] & 0xFFL) << 16
          | (d[p + 3] & 0xFFL) << 24;
      accumulator |= word << bufferedBits;
      bufferedBits += 32;
      bytePosition = p + 4;
      return;
    }
    while (bufferedBits <= 56 && bytePosition < limit) {
      accumulator |= (data[bytePosition++] & 0xFFL) << bufferedBits;
      bufferedBits += 8;
    }
  }

  /** Consumes {@code count} buffered bits; the caller has checked that they are buffered. */
  void consume(int count) {
    accumulator >>>= count;
    bufferedBits -= count;
  }

  void markEndOfPacket() {
    endOfPacket = true;
    bytePosition = limit;
    accumulator = 0;
    bufferedBits = 0;
  }
}
