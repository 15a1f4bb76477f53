package dev.tonearm.server.drm;

import dev.tonearm.server.offline.KeyIssuer;
import dev.tonearm.server.offline.OfflineObject;
import dev.tonearm.server.offline.OfflineObjectLocator;
import dev.tonearm.server.offline.WrappedKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Backs the offline service's {@link KeyIssuer} with the KMS and the device registry. Each track's
 * content key is the one named by the {@code keyId} of its downloadable object (the rendition's
 * {@code encryption.keyId}); it is unwrapped from the KMS and encrypted for the device's
 * registered public key with RSA-OAEP (SHA-256, MGF1-SHA-256, empty label), exactly as {@link
 * LicenceService} wraps keys in licences. So the SDK's device key store unwraps both the same way.
 *
 * <p>Thread-safe if the KMS, the registry and the locator are.
 */
public final class DeviceKeyIssuer implements KeyIssuer {
  private final KeyManagementService keys;
  private final DeviceRegistry devices;
  private final OfflineObjectLocator objects;

  public DeviceKeyIssuer(
      KeyManagementService keys, DeviceRegistry devices, OfflineObjectLocator objects) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.devices = Objects.requireNonNull(devices, "devices");
    this.objects = Objects.requireNonNull(objects, "objects");
  }

  @Override
  public List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds)
      throws KeyIssueException {
    Device device =
        devices
            .find(deviceId)
            .filter(found -> found.accountId().equals(accountId))
            .orElseThrow(
                () ->
                    new KeyIssueException(
                        "device " + deviceId + " has no registered key on account " + accountId));
    PublicKey publicKey;
    try {
      publicKey = LicenceService.decodePublicKey(device);
    } catch (DrmServiceException e) {
      throw new KeyIssueException(e.getMessage(), e);
    }
    Base64.Decoder base64 = Base64.getDecoder();
    List<WrappedKey> wrapped = new ArrayList<>(trackIds.size());
    for (String trackId : trackIds) {
      OfflineObject object =
          objects
              .locate(trackId)
              .orElseThrow(() -> new KeyIssueException("track not in the catalog: " + trackId));
      try (ContentKey key = keys.contentKey(object.keyId())) {
        byte[] wrappedKey = base64.decode(LicenceService.wrapForDevice(key, publicKey));
        wrapped.add(new WrappedKey(trackId, object.keyId(), wrappedKey));
      } catch (DrmServiceException e) {
        throw new KeyIssueException(
            "content key " + object.keyId() + " of track " + trackId + " is unavailable", e);
      }
    }
    return wrapped;
  }
}
