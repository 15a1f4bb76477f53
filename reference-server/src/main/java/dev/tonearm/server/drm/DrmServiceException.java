package dev.tonearm.server.drm;

/**
 * A failure of a DRM service call with a stable {@link Reason} code and the HTTP status that a
 * route returns for it. Messages name the offending id or value; they never contain key material.
 */
public final class DrmServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes; the names are part of the HTTP API's error bodies. */
  public enum Reason {
    /** The request is malformed: missing field, bad id format, too many key ids. */
    INVALID_REQUEST(400),
    /** The device public key is not a base64 SubjectPublicKeyInfo of an RSA key of 2048 bits. */
    INVALID_PUBLIC_KEY(400),
    /** No device with this id is registered (never registered, or deauthorised). */
    DEVICE_NOT_FOUND(404),
    /** The device is registered to another account than the caller's. */
    DEVICE_NOT_OWNED(403),
    /** The account already has the maximum number of registered devices. */
    DEVICE_LIMIT_REACHED(409),
    /** The account's subscription does not allow this kind of playback. */
    SUBSCRIPTION_REQUIRED(403),
    /** No content key with this id exists. */
    UNKNOWN_KEY(404),
    /** A key file is readable or writable by other users than its owner. */
    KEY_FILE_INSECURE(500),
    /** A key file or wrapped key is malformed or fails authentication. */
    KEY_FILE_CORRUPT(500),
    /** Reading or writing the key or device store failed. */
    STORAGE_FAILED(500);

    private final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** HTTP status code that a route sends for this reason. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Reason reason;

  public DrmServiceException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DrmServiceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Returns the stable reason code. */
  public Reason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "DrmServiceException{" + reason + ": " + getMessage() + "}";
  }
}
