package dev.tonearm.core.decode.flac;

/**
 * The two checksums of a FLAC frame (RFC 9639, sections 9.1.8 and 9.3). The frame header ends with
 * a CRC-8 (polynomial x^8 + x^2 + x + 1) of the header bytes, and the frame footer is a CRC-16
 * (polynomial x^16 + x^15 + x^2 + 1) of the whole frame before it. Both start at 0, are not
 * reflected and have no final XOR.
 *
 * <p>CRC-16 runs over every byte of the stream, so it uses slicing-by-8: {@code CRC16_TABLES[k]}
 * maps a byte to its contribution when followed by k more bytes, and eight lookups absorb eight
 * bytes at once.
 */
final class Crc {
  private static final int[] CRC8_TABLE = new int[256];
  private static final int[][] CRC16_TABLES = new int[8][256];

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
    for (int k = 1; k < 8; k++) {
      for (int i = 0; i < 256; i++) {
        int crc = CRC16_TABLES[k - 1][i];
        CRC16_TABLES[k][i] = ((crc << 8) ^ CRC16_TABLES[0][crc >>> 8]) & 0xFFFF;
      }
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
    final int[] t0 = CRC16_TABLES[0];
    final int[] t1 = CRC16_TABLES[1];
    final int[] t2 = CRC16_TABLES[2];
    final int[] t3 = CRC16_TABLES[3];
    final int[] t4 = CRC16_TABLES[4];
    final int[] t5 = CRC16_TABLES[5];
    final int[] t6 = CRC16_TABLES[6];
    final int[] t7 = CRC16_TABLES[7];
    int i = from;
    for (; i + 8 <= to; i += 8) {
      crc =
          t7[((crc >>> 8) ^ data[i]) & 0xFF]
              ^ t6[(crc ^ data[i + 1]) & 0xFF]
              ^ t5[data[i + 2] & 0xFF]
              ^ t4[data[i + 3] & 0xFF]
              ^ t3[data[i + 4] & 0xFF]
              ^ t2[data[i + 5] & 0xFF]
              ^ t1[data[i + 6] & 0xFF]
              ^ t0[data[i + 7] & 0xFF];
    }
    for (; i < to; i++) {
      crc = ((crc << 8) ^ t0[((crc >>> 8) ^ data[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }
}
