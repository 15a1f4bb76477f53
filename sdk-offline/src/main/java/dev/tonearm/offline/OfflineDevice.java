package dev.tonearm.offline;

/** A device registered for offline use on the account, as listed by the server. Immutable. */
public final class OfflineDevice {
  private final String deviceId;
  private final String displayName;
  private final long registeredAtMs;
  private final int heldTracks;

  public OfflineDevice(String deviceId, String displayName, long registeredAtMs, int heldTracks) {
    this.deviceId = deviceId;
    this.displayName = displayName;
    this.registeredAtMs = registeredAtMs;
    this.heldTracks = heldTracks;
  }

  public String deviceId() {
    return deviceId;
  }

  public String displayName() {
    return displayName;
  }

  public long registeredAtMs() {
    return registeredAtMs;
  }

  /** Returns the number of tracks that count against the device's track limit. */
  public int heldTracks() {
    return heldTracks;
  }

  @Override
  public String toString() {
    return "OfflineDevice{" + deviceId + ", " + displayName + ", heldTracks=" + heldTracks + "}";
  }
}
