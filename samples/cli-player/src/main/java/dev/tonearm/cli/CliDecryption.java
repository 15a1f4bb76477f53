package dev.tonearm.cli;

import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.drm.DesktopHardwareIdentity;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.HardwareIdentity;
import dev.tonearm.drm.LicenceManager;
import dev.tonearm.drm.LicenceVerifier;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.drm.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Builds the decryption stage that lets the CLI play encrypted renditions: a device key store in a
 * file, bound to this machine's id, and licences from the server the client is logged in to.
 * Stateless.
 */
final class CliDecryption {
  /** Default key store file, under the user's home folder. */
  static final Path DEFAULT_KEY_STORE =
      Paths.get(System.getProperty("user.home"), ".tonearm", "cli-key-store.tks");

  /** Display name of this device in the account's device list. */
  static final String DEVICE_NAME = "Tonearm CLI";

  private CliDecryption() {}

  /** Decryption stage of this CLI's device, and the device id registered with the account. */
  record CliDevice(String deviceId, DrmContentDecryption decryption) {}

  /**
   * Opens the key store in {@code keyStoreFile} (created on first use) and returns a decryption
   * stage that obtains licences through {@code client}'s session.
   *
   * <p>NOTE: the CLI trusts the licence signing keys that the server lists at start, so it is only
   * as safe as the connection to that server. An app ships the key it trusts instead.
   */
  static DrmContentDecryption open(
      TonearmClient client, Path keyStoreFile, HardwareIdentity hardwareIdentity)
      throws DrmException {
    DeviceKeyStore keyStore = openKeyStore(keyStoreFile, hardwareIdentity);
    return DrmContentDecryption.builder(licenceManager(client, keyStore), keyStore)
        .deviceName(DEVICE_NAME)
        .build();
  }

  /** Like {@link #open(TonearmClient, Path, HardwareIdentity)} with this machine's id. */
  static DrmContentDecryption open(TonearmClient client, Path keyStoreFile) throws DrmException {
    return open(client, keyStoreFile, DesktopHardwareIdentity.createDefault());
  }

  /**
   * Like {@link #open(TonearmClient, Path, HardwareIdentity)}, and also registers the key store's
   * device with the account at once, because a playback session can only start on a registered
   * device. Registering an id the account already owns keeps it, so repeated runs add no device.
   *
   * @throws DrmException also when the account already has the server's maximum of devices
   */
  static CliDevice openRegistered(
      TonearmClient client, Path keyStoreFile, HardwareIdentity hardwareIdentity)
      throws DrmException {
    DeviceKeyStore keyStore = openKeyStore(keyStoreFile, hardwareIdentity);
    LicenceManager manager = licenceManager(client, keyStore);
    String deviceId = manager.registerDevice(DEVICE_NAME).deviceId();
    DrmContentDecryption decryption =
        DrmContentDecryption.builder(manager, keyStore).deviceName(DEVICE_NAME).build();
    return new CliDevice(deviceId, decryption);
  }

  /** Like {@link #openRegistered(TonearmClient, Path, HardwareIdentity)} with this machine's id. */
  static CliDevice openRegistered(TonearmClient client, Path keyStoreFile)
      throws DrmException {
    return openRegistered(client, keyStoreFile, DesktopHardwareIdentity.createDefault());
  }

  private static DeviceKeyStore openKeyStore(Path keyStoreFile, HardwareIdentity hardwareIdentity)
      throws DrmException {
    return DeviceKeyStore.builder(
            new FileKeyStorage(keyStoreFile), hardwareIdentity, appSignature())
        .open();
  }

  private static LicenceManager licenceManager(TonearmClient client, DeviceKeyStore keyStore)
      throws DrmException {
    OkHttpLicenceClient licences = OkHttpLicenceClient.builder().session(client).build();
    List<SigningKey> signingKeys = licences.fetchSigningKeys();
    if (signingKeys.isEmpty()) {
      throw new DrmException(
          DrmException.ERROR_MALFORMED_RESPONSE, "the server lists no Ed25519 signing key");
    }
    return LicenceManager.builder(licences, keyStore, new LicenceVerifier(signingKeys)).build();
  }

  /**
   * Returns the device id in the key store {@code keyStoreFile}, or empty when the file does not
   * exist. Only reads the file, so it creates no key store and registers no device.
   *
   * @throws DrmException when the file cannot be read, is damaged or belongs to another machine
   */
  static Optional<String> storedDeviceId(Path keyStoreFile) throws DrmException {
    if (!Files.exists(keyStoreFile)) {
      return Optional.empty();
    }
    try (DeviceKeyStore keyStore =
        DeviceKeyStore.builder(
                new FileKeyStorage(keyStoreFile),
                DesktopHardwareIdentity.createDefault(),
                appSignature())
            .open()) {
      return Optional.of(keyStore.deviceIdentity().deviceId());
    }
  }

  /**
   * Returns the CLI's app signature, the SHA-256 of its package name. The CLI is not code-signed,
   * so this binds the key store to this program only as far as other programs use another value.
   */
  private static byte[] appSignature() {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest("dev.tonearm.cli".getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
    }
  }
}
