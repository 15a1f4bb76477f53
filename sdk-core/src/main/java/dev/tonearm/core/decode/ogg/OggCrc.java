package dev.tonearm.core.decode.ogg;

/**
 * The Ogg page checksum: CRC-32 with polynomial 0x04C11DB7, initial value 0, no bit reflection
 * and no final XOR (RFC 3533, section 6). Stateless.
 */
final class OggCrc {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
      }
      TABLE[i] = r;
    }
  }

  private OggCrc() {}

  /** Continues {@code crc} over {@code length} bytes of {@code data} starting at {@code offset}. */
  static int update(int crc, byte[] data, int offset, int length) {
    int c = crc;
    for (int i = offset, end = offset + length; i < end; i++) {
      c = (c << 8) ^ TABLE[((c >>> 24) ^ data[i]) & 0xFF];
    }
    return c;
  }
}
