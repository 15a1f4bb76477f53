package dev.tonearm.bench;

import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.LicenceManager;
import dev.tonearm.drm.LicenceVerifier;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.drm.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;

/**
 * The decryption stage of one simulated device, as an app builds it: a {@link DeviceKeyStore} in a
 * folder of its own (a new folder means a new device identity), a licence manager that talks to the
 * server through the given session, and licences checked against the server's signing key. The
 * first encrypted track registers the device and requests a licence; later tracks with the same key
 * use the stored key without a request.
 */
final class DeviceDrm {
  private static final byte[] APP_ID = "tonearm-benchmark".getBytes(StandardCharsets.UTF_8);

  private DeviceDrm() {}

  /**
   * Opens or creates the key store in {@code folder} and returns the decryption stage.
   *
   * @param signingKeyId id of the server's licence signing key
   * @param signingPublicKeyBase64 the server's Ed25519 public key in base64
   */
  static DrmContentDecryption open(
      TonearmClient session, Path folder, String signingKeyId, String signingPublicKeyBase64)
      throws DrmException {
    byte[] hardwareId = folder.toString().getBytes(StandardCharsets.UTF_8);
    DeviceKeyStore keyStore =
        DeviceKeyStore.builder(
                new FileKeyStorage(folder.resolve("keys.tks")), () -> hardwareId.clone(), APP_ID)
            .open();
    LicenceVerifier verifier =
        new LicenceVerifier(
            Collections.singletonList(SigningKey.fromBase64(signingKeyId, signingPublicKeyBase64)));
    LicenceManager manager =
        LicenceManager.builder(
                OkHttpLicenceClient.builder().session(session).build(), keyStore, verifier)
            .build();
    return DrmContentDecryption.builder(manager, keyStore).build();
  }
}
