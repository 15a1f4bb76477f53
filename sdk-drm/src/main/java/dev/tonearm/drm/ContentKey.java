package dev.tonearm.drm;

import java.util.Arrays;

/**
 * A content encryption key (CEK, 256-bit AES) of one track, with the expiry of the licence that
 * delivered it.
 *
 * <p>{@link #toString()} shows the key id and expiry only. {@link #destroy()} overwrites the key
 * bytes. Not thread-safe: one owner at a time.
 */
public final class ContentKey {
  /** Length of a content key in bytes. */
  public static final int KEY_LENGTH_BYTES = 32;

  private final String keyId;
  private final byte[] keyBytes;
  private final long expiresAtMs;
  private boolean destroyed;

  /**
   * Creates a key holding a copy of {@code keyBytes}.
   *
   * @param expiresAtMs epoch milliseconds from which the key must no longer be used
   */
  public ContentKey(String keyId, byte[] keyBytes, long expiresAtMs) {
    if (keyId == null || keyId.isEmpty()) {
      throw new IllegalArgumentException("keyId must not be empty");
    }
    if (keyBytes.length != KEY_LENGTH_BYTES) {
      throw new IllegalArgumentException(
          "content key must be " + KEY_LENGTH_BYTES + " bytes: " + keyBytes.length);
    }
    this.keyId = keyId;
    this.keyBytes = keyBytes.clone();
    this.expiresAtMs = expiresAtMs;
  }

  public String keyId() {
    return keyId;
  }

  /** Epoch milliseconds from which the key must no longer be used. */
  public long expiresAtMs() {
    return expiresAtMs;
  }

  /** Returns a copy of the key bytes; the caller overwrites it after use. */
  public byte[] keyBytes() {
    if (destroyed) {
      throw new IllegalStateException("content key " + keyId + " is destroyed");
    }
    return keyBytes.clone();
  }

  /** Overwrites the key bytes with zeros; later {@link #keyBytes()} calls fail. */
  public void destroy() {
    Arrays.fill(keyBytes, (byte) 0);
    destroyed = true;
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "ContentKey{keyId=" + keyId + ", expiresAtMs=" + expiresAtMs + "}";
  }
}
