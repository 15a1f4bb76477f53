package dev.tonearm.core.decode.vorbis;

import java.util.function.LongUnaryOperator;

/**
 * Rewrites real Ogg files for tests that need a property no corpus file has: it walks the pages
 * of a well-formed file, changes fields and recomputes each page's CRC.
 */
final class OggTestFiles {
  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
      }
      CRC_TABLE[i] = r;
    }
  }

  private OggTestFiles() {}

  /**
   * Returns a copy of {@code ogg} with the granule position of every audio page (granule above 0)
   * replaced by {@code map.applyAsLong(granule)}.
   */
  static byte[] mapAudioGranules(byte[] ogg, LongUnaryOperator map) {
    byte[] out = ogg.clone();
    int offset = 0;
    while (offset + 27 <= out.length) {
      if (out[offset] != 'O' || out[offset + 1] != 'g' || out[offset + 2] != 'g'
          || out[offset + 3] != 'S') {
        throw new IllegalArgumentException("no page at offset " + offset);
      }
      int segments = out[offset + 26] & 0xFF;
      int body = 0;
      for (int i = 0; i < segments; i++) {
        body += out[offset + 27 + i] & 0xFF;
      }
      int length = 27 + segments + body;
      long granule = 0;
      for (int i = 7; i >= 0; i--) {
        granule = granule << 8 | (out[offset + 6 + i] & 0xFF);
      }
      if (granule > 0) {
        long mapped = map.applyAsLong(granule);
        for (int i = 0; i < 8; i++) {
          out[offset + 6 + i] = (byte) (mapped >>> (8 * i));
        }
      }
      writeCrc(out, offset, length);
      offset += length;
    }
    return out;
  }

  /** Recomputes the CRC of the page at {@code offset} that spans {@code length} bytes. */
  static void writeCrc(byte[] data, int offset, int length) {
    for (int i = 22; i < 26; i++) {
      data[offset + i] = 0;
    }
    int crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
    }
    for (int i = 0; i < 4; i++) {
      data[offset + 22 + i] = (byte) (crc >>> (8 * i));
    }
  }
}
