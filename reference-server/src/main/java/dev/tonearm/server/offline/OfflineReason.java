package dev.tonearm.server.offline;

/**
 * Reason codes for rejected offline operations, each with its HTTP status.
 *
 * <p>The codes are part of the HTTP contract: clients switch on them, so a code is never renamed or
 * reused for a different condition.
 */
public enum OfflineReason {
  /** The request body or an argument is invalid. */
  BAD_REQUEST(400),
  /** The request body is not valid JSON. */
  INVALID_JSON(400),
  /** The request lists more tracks than one request may carry. */
  PAYLOAD_TOO_LARGE(413),
  /** The account does not exist. */
  ACCOUNT_NOT_FOUND(404),
  /** Downloads and offline licences need an active Premium subscription. */
  PREMIUM_REQUIRED(403),
  /** The device has no key pair registered with the licence service, so keys cannot be wrapped. */
  DEVICE_UNKNOWN(403),
  /** The device is not registered for offline use on this account. */
  DEVICE_NOT_REGISTERED(403),
  /** The account already has the maximum number of offline devices. */
  DEVICE_LIMIT(409),
  /** The download would take the device over its maximum number of offline tracks. */
  TRACK_LIMIT(409),
  /** A requested track is not in the catalog or has no downloadable rendition. */
  TRACK_NOT_FOUND(404),
  /** A key was requested for a track that was not authorised for download on this device. */
  TRACK_NOT_AUTHORISED(409),
  /** The key service failed to wrap a key; the request may be retried. */
  KEY_UNAVAILABLE(503),
  /** Persisting offline state failed; the request may be retried. */
  INTERNAL(500);

  private final int httpStatus;

  OfflineReason(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** Returns the HTTP status that carries this reason. */
  public int httpStatus() {
    return httpStatus;
  }
}
