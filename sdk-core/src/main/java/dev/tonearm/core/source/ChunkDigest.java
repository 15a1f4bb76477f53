package dev.tonearm.core.source;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 in the manifest's notation: 64 lower-case hex digits. Thread-safe. */
public final class ChunkDigest {
  private ChunkDigest() {}

  /** Returns the lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    return sha256Hex(bytes, 0, bytes.length);
  }

  /** Returns the lower-case hex SHA-256 of {@code length} bytes from {@code offset}. */
  public static String sha256Hex(byte[] bytes, int offset, int length) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this runtime", e);
    }
    digest.update(bytes, offset, length);
    byte[] hash = digest.digest();
    StringBuilder hex = new StringBuilder(64);
    for (byte b : hash) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  /** Returns whether {@code text} is 64 lower-case hex digits. */
  public static boolean isSha256Hex(String text) {
    if (text == null || text.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
