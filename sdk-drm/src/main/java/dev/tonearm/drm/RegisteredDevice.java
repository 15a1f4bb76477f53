package dev.tonearm.drm;

/** A device as the server lists it. Immutable. */
public final class RegisteredDevice {
  private final String deviceId;
  private final String name;
  private final String publicKeySha256;
  private final long registeredAtMs;

  public RegisteredDevice(
      String deviceId, String name, String publicKeySha256, long registeredAtMs) {
    this.deviceId = deviceId;
    this.name = name;
    this.publicKeySha256 = publicKeySha256;
    this.registeredAtMs = registeredAtMs;
  }

  public String deviceId() {
    return deviceId;
  }

  public String name() {
    return name;
  }

  /** SHA-256 of the device's DER SubjectPublicKeyInfo, lower-case hex. */
  public String publicKeySha256() {
    return publicKeySha256;
  }

  /** Registration time by the server clock, epoch milliseconds. */
  public long registeredAtMs() {
    return registeredAtMs;
  }

  @Override
  public String toString() {
    return "RegisteredDevice{deviceId=" + deviceId + ", name=" + name + "}";
  }
}
