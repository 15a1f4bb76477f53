package dev.tonearm.offline;

import java.io.IOException;

/**
 * A failed or rejected offline operation, with a stable {@link Reason} to switch on.
 *
 * <p>Reasons that the server sends keep the server's code as their name, so an app can show the
 * same text for a rejection whether it came from the server or from a local check. Messages from
 * the server are written for the end user; local messages name the value that failed.
 */
public final class OfflineException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Cause of a failed offline operation. The names are stable codes. */
  public enum Reason {
    /** The account has no active Premium subscription. Downloads are rejected and locked. */
    PREMIUM_REQUIRED,
    /** The device is not registered for offline use on this account. */
    DEVICE_NOT_REGISTERED,
    /** The account already has the maximum number of offline devices. */
    DEVICE_LIMIT,
    /** The device has no key pair registered with the licence service. */
    DEVICE_UNKNOWN,
    /** The device would hold more than the maximum number of offline tracks. */
    TRACK_LIMIT,
    /** The track is not in the catalog or cannot be downloaded. */
    TRACK_NOT_FOUND,
    /** A key was requested for a track the server did not authorise on this device. */
    TRACK_NOT_AUTHORISED,
    /** The server could not issue keys right now. */
    KEY_UNAVAILABLE,
    /** The server rejected the request with a code this SDK version does not know. */
    SERVER_ERROR,
    /** An argument is invalid: a malformed track id, a negative size. */
    INVALID_ARGUMENT,
    /** A storage quota outside the allowed range was requested. */
    INVALID_QUOTA,
    /** The download would take offline storage over the user's quota. */
    QUOTA_EXCEEDED,
    /** The disk has too little free space for the download. */
    STORAGE_FULL,
    /** The server's download authorisation is malformed (sizes, digests, URLs). */
    INVALID_GRANT,
    /** Downloaded bytes kept failing their SHA-256 check. */
    CHECKSUM_MISMATCH,
    /** The network failed on every attempt. */
    NETWORK_ERROR,
    /** The object server responded with an HTTP error status that retrying does not fix. */
    HTTP_ERROR,
    /** Reading or writing local files failed. */
    IO_ERROR,
    /** The download index on disk is damaged beyond its recoverable tail. */
    INDEX_CORRUPT,
    /** The track is not downloaded, or not yet playable. */
    NOT_DOWNLOADED,
    /** Offline tracks are locked until a licence refresh confirms the subscription. */
    SUBSCRIPTION_LOCKED,
    /** The offline licence expired; keys were wiped until the next online check. */
    LICENCE_EXPIRED,
    /** The offline manager was closed. */
    CLOSED
  }

  private final Reason reason;

  public OfflineException(Reason reason, String message) {
    super(message);
    this.reason = requireReason(reason);
  }

  public OfflineException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireReason(reason);
  }

  public Reason reason() {
    return reason;
  }

  /**
   * Returns whether retrying later may succeed: the server could not issue keys ({@code
   * KEY_UNAVAILABLE}), sent a code this version does not know ({@code SERVER_ERROR}), or the
   * network or a local file failed ({@code NETWORK_ERROR}, {@code IO_ERROR}). The SDK retries these
   * with backoff and never treats them as a rejection.
   */
  public boolean isTransient() {
    return reason == Reason.KEY_UNAVAILABLE
        || reason == Reason.SERVER_ERROR
        || reason == Reason.NETWORK_ERROR
        || reason == Reason.IO_ERROR;
  }

  /**
   * Returns the reason for an error code sent by the server, or {@link Reason#SERVER_ERROR} for a
   * code this version does not know.
   */
  public static Reason reasonForServerCode(String code) {
    if (code != null) {
      for (Reason reason : Reason.values()) {
        if (reason.name().equals(code)) {
          return reason;
        }
      }
    }
    return Reason.SERVER_ERROR;
  }

  private static Reason requireReason(Reason reason) {
    if (reason == null) {
      throw new NullPointerException("reason");
    }
    return reason;
  }
}
