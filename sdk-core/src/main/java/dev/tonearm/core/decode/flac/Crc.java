package dev.tonearm.core.decode.flac;

/**
 * The two checksums of a FLAC frame (RFC 9639, section 9.1.8 and 9.3): CRC-8 with polynomial
 * x^8 + x^2 + x + 1 over the frame header, and CRC-16 with polynomial x^16 + x^15 + x^2 + 1 over
 * the whole frame up to its footer. Both start at 0, are not reflected and have no final XOR.
 */
final class Crc {
  private static final int[] CRC8_TABLE = new int[256];
  /** Slicing-by-2 tables: {@code CRC16_TABLES[0]} is the plain byte table. */
  private static final int[][] CRC16_TABLES = new int[2][256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc8 = i;
      for (int bit = 0; bit < 8; bit++) {
        crc8 = (crc8 & 0x80) != 0 ? (crc8 << 1) ^ 0x07 : crc8 << 1;
      }
      CRC8_TABLE[i] = crc8 & 0xFF;

      int crc16 = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc16 = (crc16 & 0x8000) != 0 ? (crc16 << 1) ^ 0x8005 : crc16 << 1;
      }
      CRC16_TABLES[0][i] = crc16 & 0xFFFF;
    }
    for (int i = 0; i < 256; i++) {
      int crc = CRC16_TABLES[0][i];
      CRC16_TABLES[1][i] = ((crc << 8) ^ CRC16_TABLES[0][crc >>> 8]) & 0xFFFF;
    }
  }

  private Crc() {}

  /** Returns the CRC-8 of {@code length} bytes of {@code data} from {@code offset}. */
  static int crc8(byte[] data, int offset, int length) {
    int crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc = CRC8_TABLE[crc ^ (data[i] & 0xFF)];
    }
    return crc;
  }

  /** Continues the CRC-16 {@code crc} over {@code data[from, to)}. */
  static int crc16(int crc, byte[] data, int from, int to) {
    int[] table0 = CRC16_TABLES[0];
    int[] table1 = CRC16_TABLES[1];
    int i = from;
    // Two bytes per step: the 16-bit register absorbs a 16-bit word whole.
    for (; i + 1 < to; i += 2) {
      int word = crc ^ (((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF));
      crc = table1[word >>> 8] ^ table0[word & 0xFF];
    }
    if (i < to) {
      crc = ((crc << 8) ^ table0[(crc >>> 8) ^ (data[i] & 0xFF)]) & 0xFFFF;
    }
    return crc;
  }
}
