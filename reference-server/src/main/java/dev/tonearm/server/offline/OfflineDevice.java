package dev.tonearm.server.offline;

import java.time.Instant;

/**
 * A device registered for offline use, as listed to the account owner.
 *
 * @param deviceId the device id
 * @param displayName the name shown in the device list
 * @param registeredAt when the device was registered for offline use
 * @param lastOnlineCheck the last key delivery to the device, or null if never
 * @param licenceExpiresAt when the device's licence expires, or null if no keys were delivered
 * @param heldTracks the number of tracks that count against the device's track limit
 */
public record OfflineDevice(
    String deviceId,
    String displayName,
    Instant registeredAt,
    Instant lastOnlineCheck,
    Instant licenceExpiresAt,
    int heldTracks) {}
