package dev.tonearm.server.drm;

import java.util.Arrays;
import java.util.Objects;

/**
 * A plaintext content encryption key (CEK, 256-bit AES) with its id.
 *
 * <p>{@link #toString()} shows the key id only. {@link #close()} overwrites the key bytes; callers
 * use try-with-resources so a CEK lives in memory only while it is used. Not thread-safe: one owner
 * at a time.
 */
public final class ContentKey implements AutoCloseable {
  /** Length of a content key in bytes (AES-256). */
  public static final int KEY_LENGTH_BYTES = 32;

  private final String keyId;
  private final byte[] keyBytes;
  private boolean destroyed;

  /** Creates a content key holding a copy of {@code keyBytes}. */
  public ContentKey(String keyId, byte[] keyBytes) {
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    if (keyBytes.length != KEY_LENGTH_BYTES) {
      throw new IllegalArgumentException(
          "content key must be " + KEY_LENGTH_BYTES + " bytes: " + keyBytes.length);
    }
    this.keyBytes = keyBytes.clone();
  }

  public String keyId() {
    return keyId;
  }

  /** Returns a copy of the key bytes; the caller overwrites it after use. */
  public byte[] keyBytes() {
    if (destroyed) {
      throw new IllegalStateException("content key " + keyId + " is closed");
    }
    return keyBytes.clone();
  }

  /** Overwrites the key bytes with zeros. */
  @Override
  public void close() {
    Arrays.fill(keyBytes, (byte) 0);
    destroyed = true;
  }

  @Override
  public String toString() {
    return "ContentKey{keyId=" + keyId + "}";
  }
}
