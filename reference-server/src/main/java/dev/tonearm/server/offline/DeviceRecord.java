package dev.tonearm.server.offline;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Persisted offline state of one device. Immutable.
 *
 * @param deviceId the device id, as registered with the licence service
 * @param displayName the name shown in the app's device list
 * @param registeredAt when the device was registered for offline use
 * @param lastOnlineCheck the last time keys were delivered to the device, or null if never
 * @param heldTrackIds tracks authorised for download on the device; they count against the device's
 *     track limit until released
 */
public record DeviceRecord(
    String deviceId,
    String displayName,
    Instant registeredAt,
    Instant lastOnlineCheck,
    Set<String> heldTrackIds) {
  public DeviceRecord {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(registeredAt, "registeredAt");
    heldTrackIds = Collections.unmodifiableSet(new LinkedHashSet<>(heldTrackIds));
  }

  /** Returns a new, never-checked device with no tracks. */
  public static DeviceRecord registered(String deviceId, String displayName, Instant now) {
    return new DeviceRecord(deviceId, displayName, now, null, Set.of());
  }

  public Optional<Instant> lastOnlineCheckIfAny() {
    return Optional.ofNullable(lastOnlineCheck);
  }

  public DeviceRecord withLastOnlineCheck(Instant checkedAt) {
    return new DeviceRecord(deviceId, displayName, registeredAt, checkedAt, heldTrackIds);
  }

  public DeviceRecord withHeldTrackIds(Collection<String> trackIds) {
    return new DeviceRecord(
        deviceId, displayName, registeredAt, lastOnlineCheck, new LinkedHashSet<>(trackIds));
  }
}
