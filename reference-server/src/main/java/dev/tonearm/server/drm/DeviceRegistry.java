package dev.tonearm.server.drm;

import java.util.List;
import java.util.Optional;

/**
 * Devices that may receive licences, each bound to one account and one RSA public key.
 * Implementations are thread-safe.
 */
public interface DeviceRegistry {
  /** Default maximum number of devices per account. */
  int DEFAULT_MAX_DEVICES_PER_ACCOUNT = 5;

  /**
   * Registers the device in {@code request} for {@code accountId}. Registering an id that the same
   * account already owns replaces its public key and name and keeps its registration time.
   *
   * @throws DrmServiceException {@code INVALID_REQUEST} for a missing or malformed field, {@code
   *     INVALID_PUBLIC_KEY} if the key is not an RSA key of 2048 to 4096 bits, {@code
   *     DEVICE_NOT_OWNED} if another account owns the id, {@code DEVICE_LIMIT_REACHED} if the
   *     account already has the maximum number of devices
   */
  Device register(String accountId, RegisterDeviceRequest request) throws DrmServiceException;

  /** Devices of {@code accountId}, oldest registration first. */
  List<Device> list(String accountId);

  /** The device with id {@code deviceId}, whichever account owns it. */
  Optional<Device> find(String deviceId);

  /**
   * Removes the device {@code deviceId} from {@code accountId}; licences are no longer issued to
   * it.
   *
   * @throws DrmServiceException {@code DEVICE_NOT_FOUND} or {@code DEVICE_NOT_OWNED}
   */
  void deauthorise(String accountId, String deviceId) throws DrmServiceException;
}
