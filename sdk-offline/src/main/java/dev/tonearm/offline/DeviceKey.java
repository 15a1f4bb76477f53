package dev.tonearm.offline;

import dev.tonearm.offline.internal.TrackIds;
import java.util.Arrays;

/**
 * A track's content key wrapped for this device, as delivered by the licence server. Immutable.
 *
 * <p>The key stays wrapped here; the key store decides how it is kept at rest and unwraps it when
 * the player asks for it.
 */
public final class DeviceKey {
  private final String trackId;
  private final String keyId;
  private final byte[] wrappedKey;

  public DeviceKey(String trackId, String keyId, byte[] wrappedKey) {
    this.trackId = TrackIds.requireTrackId(trackId);
    if (keyId == null || keyId.isEmpty()) {
      throw new IllegalArgumentException("keyId is missing for track " + trackId);
    }
    if (wrappedKey == null || wrappedKey.length == 0) {
      throw new IllegalArgumentException("wrappedKey is empty for track " + trackId);
    }
    this.keyId = keyId;
    this.wrappedKey = wrappedKey.clone();
  }

  public String trackId() {
    return trackId;
  }

  public String keyId() {
    return keyId;
  }

  public byte[] wrappedKey() {
    return wrappedKey.clone();
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof DeviceKey)) {
      return false;
    }
    DeviceKey that = (DeviceKey) other;
    return trackId.equals(that.trackId)
        && keyId.equals(that.keyId)
        && Arrays.equals(wrappedKey, that.wrappedKey);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * trackId.hashCode() + keyId.hashCode()) + Arrays.hashCode(wrappedKey);
  }

  @Override
  public String toString() {
    return "DeviceKey{trackId=" + trackId + ", keyId=" + keyId + "}";
  }
}
