package dev.tonearm.server.offline;

import java.time.Instant;
import java.util.List;

/**
 * Device-bound keys with the licence that covers them.
 *
 * <p>The licence is per device: every key the device holds expires at {@code expiresAt}, so a
 * delivery of keys for new tracks also extends the device's older keys.
 *
 * @param deviceId the device the keys are wrapped for
 * @param keys one key per track, in request order
 * @param checkedAt the time of this online check
 * @param expiresAt when the device's licence expires unless refreshed
 * @param droppedTrackIds tracks the device reported that it may no longer hold (refresh only); the
 *     device deletes them
 */
public record KeyDelivery(
    String deviceId,
    List<WrappedKey> keys,
    Instant checkedAt,
    Instant expiresAt,
    List<String> droppedTrackIds) {
  public KeyDelivery {
    keys = List.copyOf(keys);
    droppedTrackIds = List.copyOf(droppedTrackIds);
  }
}
