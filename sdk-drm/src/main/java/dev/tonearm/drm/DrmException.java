package dev.tonearm.drm;

import java.io.IOException;

/**
 * A DRM failure with a stable reason code ({@code ERROR_...} constants). Messages name ids, paths
 * and sizes; they never contain key material.
 */
public final class DrmException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The key store file is malformed, truncated or was modified. */
  public static final int ERROR_KEY_STORE_CORRUPT = 1001;

  /** The key store was written on another device: the hardware id differs. */
  public static final int ERROR_KEY_STORE_DEVICE_MISMATCH = 1002;

  /** The key store was written by an app with another signature. */
  public static final int ERROR_KEY_STORE_APP_MISMATCH = 1003;

  /** The key store has a format version that this SDK does not read. */
  public static final int ERROR_KEY_STORE_UNSUPPORTED_VERSION = 1004;

  /** Reading or writing the key store failed. */
  public static final int ERROR_KEY_STORE_IO = 1005;

  /** The hardware id cannot be read or created. */
  public static final int ERROR_HARDWARE_ID_UNAVAILABLE = 1006;
  /** The key store already contains {@link DeviceKeyStore#MAX_CONTENT_KEYS} content keys. */
  public static final int ERROR_KEY_STORE_FULL = 1007;

  /** No content key with this id is stored on the device. */
  public static final int ERROR_KEY_NOT_FOUND = 2001;

  /** The licence of this key has expired; playback needs a new licence. */
  public static final int ERROR_LICENCE_EXPIRED = 2002;

  /** The licence signature does not verify. */
  public static final int ERROR_LICENCE_SIGNATURE_INVALID = 2003;

  /** The licence is signed with a key that the SDK does not trust. */
  public static final int ERROR_LICENCE_UNTRUSTED_SIGNING_KEY = 2004;

  /** The licence was issued to another device. */
  public static final int ERROR_LICENCE_DEVICE_MISMATCH = 2005;

  /** The licence is malformed or does not match the request. */
  public static final int ERROR_LICENCE_MALFORMED = 2006;

  /** A wrapped content key cannot be decrypted with this device's private key. */
  public static final int ERROR_KEY_UNWRAP_FAILED = 2007;

  /** The encryption parameters (scheme, IV, key length) are invalid. */
  public static final int ERROR_INVALID_ENCRYPTION = 2008;

  /** The server does not know this device (never registered, or deauthorised). */
  public static final int ERROR_DEVICE_NOT_REGISTERED = 3001;

  /** The device is registered to another account. */
  public static final int ERROR_DEVICE_NOT_OWNED = 3002;

  /** The account already has the maximum number of devices. */
  public static final int ERROR_DEVICE_LIMIT_REACHED = 3003;

  /** The account's subscription does not allow this playback. */
  public static final int ERROR_SUBSCRIPTION_REQUIRED = 3004;

  /** The server has no content key with a requested id. */
  public static final int ERROR_UNKNOWN_KEY = 3005;

  /** The access token is missing, invalid or expired. */
  public static final int ERROR_UNAUTHORIZED = 3006;

  /** The server rejected the request for another reason or failed. */
  public static final int ERROR_SERVER = 3007;

  /** The response is not the documented JSON or exceeds the size limit. */
  public static final int ERROR_MALFORMED_RESPONSE = 3008;

  /** The connection to the licence server failed. */
  public static final int ERROR_NETWORK = 3009;

  private final int reason;
  private final String serverCode;

  public DrmException(int reason, String message) {
    this(reason, message, null, null);
  }

  public DrmException(int reason, String message, Throwable cause) {
    this(reason, message, null, cause);
  }

  /**
   * Creates an exception for a server error response.
   *
   * @param serverCode the {@code error.code} of the response body, or null if there was none
   */
  public DrmException(int reason, String message, String serverCode, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.serverCode = serverCode;
  }

  /** Returns the stable reason code, one of the {@code ERROR_...} constants. */
  public int reason() {
    return reason;
  }

  /** Returns the name of {@link #reason()}, such as {@code "ERROR_LICENCE_EXPIRED"}. */
  public String reasonName() {
    return reasonName(reason);
  }

  /** Returns the server's {@code error.code}, or null if the failure did not come from a server. */
  public String serverCode() {
    return serverCode;
  }

  /** Returns the constant name of {@code reason}, or {@code "ERROR_UNKNOWN_<n>"}. */
  public static String reasonName(int reason) {
    switch (reason) {
      case ERROR_KEY_STORE_CORRUPT:
        return "ERROR_KEY_STORE_CORRUPT";
      case ERROR_KEY_STORE_DEVICE_MISMATCH:
        return "ERROR_KEY_STORE_DEVICE_MISMATCH";
      case ERROR_KEY_STORE_APP_MISMATCH:
        return "ERROR_KEY_STORE_APP_MISMATCH";
      case ERROR_KEY_STORE_UNSUPPORTED_VERSION:
        return "ERROR_KEY_STORE_UNSUPPORTED_VERSION";
      case ERROR_KEY_STORE_IO:
        return "ERROR_KEY_STORE_IO";
      case ERROR_HARDWARE_ID_UNAVAILABLE:
        return "ERROR_HARDWARE_ID_UNAVAILABLE";
      case ERROR_KEY_STORE_FULL:
        return "ERROR_KEY_STORE_FULL";
      case ERROR_KEY_NOT_FOUND:
        return "ERROR_KEY_NOT_FOUND";
      case ERROR_LICENCE_EXPIRED:
        return "ERROR_LICENCE_EXPIRED";
      case ERROR_LICENCE_SIGNATURE_INVALID:
        return "ERROR_LICENCE_SIGNATURE_INVALID";
      case ERROR_LICENCE_UNTRUSTED_SIGNING_KEY:
        return "ERROR_LICENCE_UNTRUSTED_SIGNING_KEY";
      case ERROR_LICENCE_DEVICE_MISMATCH:
        return "ERROR_LICENCE_DEVICE_MISMATCH";
      case ERROR_LICENCE_MALFORMED:
        return "ERROR_LICENCE_MALFORMED";
      case ERROR_KEY_UNWRAP_FAILED:
        return "ERROR_KEY_UNWRAP_FAILED";
      case ERROR_INVALID_ENCRYPTION:
        return "ERROR_INVALID_ENCRYPTION";
      case ERROR_DEVICE_NOT_REGISTERED:
        return "ERROR_DEVICE_NOT_REGISTERED";
      case ERROR_DEVICE_NOT_OWNED:
        return "ERROR_DEVICE_NOT_OWNED";
      case ERROR_DEVICE_LIMIT_REACHED:
        return "ERROR_DEVICE_LIMIT_REACHED";
      case ERROR_SUBSCRIPTION_REQUIRED:
        return "ERROR_SUBSCRIPTION_REQUIRED";
      case ERROR_UNKNOWN_KEY:
        return "ERROR_UNKNOWN_KEY";
      case ERROR_UNAUTHORIZED:
        return "ERROR_UNAUTHORIZED";
      case ERROR_SERVER:
        return "ERROR_SERVER";
      case ERROR_MALFORMED_RESPONSE:
        return "ERROR_MALFORMED_RESPONSE";
      case ERROR_NETWORK:
        return "ERROR_NETWORK";
      default:
        return "ERROR_UNKNOWN_" + reason;
    }
  }

  @Override
  public String toString() {
    String server = serverCode == null ? "" : " (server " + serverCode + ")";
    return "DrmException{" + reasonName() + server + ": " + getMessage() + "}";
  }
}
