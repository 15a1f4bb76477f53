package dev.tonearm.drm;

import java.util.List;

/**
 * The licence server's device and licence routes. Implementations only transport; {@link
 * LicenceManager} verifies licences and stores keys. Implementations are thread-safe.
 *
 * <p>Every method throws {@link DrmException} with a reason from the server's error code: {@code
 * ERROR_DEVICE_NOT_REGISTERED}, {@code ERROR_DEVICE_NOT_OWNED}, {@code ERROR_DEVICE_LIMIT_REACHED},
 * {@code ERROR_SUBSCRIPTION_REQUIRED}, {@code ERROR_UNKNOWN_KEY}, {@code ERROR_UNAUTHORIZED},
 * {@code ERROR_SERVER}, or {@code ERROR_MALFORMED_RESPONSE} and {@code ERROR_NETWORK}.
 */
public interface LicenceClient {
  /** Registers this device's id and public key with the caller's account. */
  RegisteredDevice registerDevice(String deviceId, String publicKeyBase64, String name)
      throws DrmException;

  /** Lists the devices of the caller's account. */
  List<RegisteredDevice> listDevices() throws DrmException;

  /** Deauthorises a device of the caller's account. */
  void deauthoriseDevice(String deviceId) throws DrmException;

  /** Requests a licence for {@code keyIds}, wrapped for {@code deviceId}. */
  SignedLicence requestLicence(String deviceId, List<String> keyIds, LicencePurpose purpose)
      throws DrmException;

  /**
   * Fetches the server's licence signing keys. Trusting them is the app's decision: pinning keys
   * shipped with the app resists a compromised connection, fetching them does not.
   */
  List<SigningKey> fetchSigningKeys() throws DrmException;
}
