package dev.tonearm.drm;

/**
 * Source of a stable, device-specific secret that binds the {@link DeviceKeyStore} to this device.
 *
 * <p>The value must be the same on every call on this device and differ between devices. The
 * desktop default is {@link DesktopHardwareIdentity}. An Android app can return a random value that
 * it generates once and keeps sealed by a non-exportable Android Keystore key, or {@code
 * Settings.Secure.ANDROID_ID}, which Android 8.0 and later scope to the app signing key, user and
 * device. Implementations are thread-safe.
 */
public interface HardwareIdentity {
  /**
   * Returns the hardware id bytes; the caller overwrites them after use.
   *
   * @throws DrmException {@code ERROR_HARDWARE_ID_UNAVAILABLE} if it cannot be read or created
   */
  byte[] hardwareId() throws DrmException;
}
