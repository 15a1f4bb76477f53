package dev.tonearm.drm;

/** Lower-case hex encoding; the JDK's {@code HexFormat} is absent on Android. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static String encode(byte[] bytes) {
    return encode(bytes, 0, bytes.length);
  }

  static String encode(byte[] bytes, int offset, int length) {
    char[] out = new char[length * 2];
    for (int i = 0; i < length; i++) {
      int b = bytes[offset + i] & 0xff;
      out[2 * i] = DIGITS[b >>> 4];
      out[2 * i + 1] = DIGITS[b & 0xf];
    }
    return new String(out);
  }

  /** Decodes hex digits of either case; returns null if {@code text} is not even-length hex. */
  static byte[] decode(String text) {
    if (text == null || text.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int high = Character.digit(text.charAt(2 * i), 16);
      int low = Character.digit(text.charAt(2 * i + 1), 16);
      if (high < 0 || low < 0) {
        return null;
      }
      out[i] = (byte) ((high << 4) | low);
    }
    return out;
  }
}
