package dev.tonearm.server.offline;

import java.util.Arrays;
import java.util.Objects;

/**
 * A track's content key wrapped for one device.
 *
 * @param trackId the track the key decrypts
 * @param keyId the content key id, as in the track manifest's {@code encryption.keyId}
 * @param wrappedKey the content key encrypted with the device's public key
 */
public record WrappedKey(String trackId, String keyId, byte[] wrappedKey) {
  public WrappedKey {
    Objects.requireNonNull(trackId, "trackId");
    Objects.requireNonNull(keyId, "keyId");
    wrappedKey = Objects.requireNonNull(wrappedKey, "wrappedKey").clone();
  }

  @Override
  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WrappedKey that
        && trackId.equals(that.trackId)
        && keyId.equals(that.keyId)
        && Arrays.equals(wrappedKey, that.wrappedKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trackId, keyId, Arrays.hashCode(wrappedKey));
  }

  @Override
  public String toString() {
    return "WrappedKey[trackId=" + trackId + ", keyId=" + keyId + "]";
  }
}
