package dev.tonearm.server.session;

import java.util.Objects;

/** A rejected session operation with a stable {@link Reason}. */
public final class SessionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Reason codes of a rejected operation. The names are also the API's error codes. */
  public enum Reason {
    /** The device is not registered: never registered, or deauthorised. */
    DEVICE_NOT_FOUND,
    /** The device is registered to another account than the caller's. */
    DEVICE_NOT_OWNED,
    /** No session has this id, or it ended and its record is gone. */
    SESSION_NOT_FOUND,
    /** The session belongs to another account than the caller's. */
    SESSION_NOT_OWNED,
    /** Another device of the account started a session, which replaced this one. */
    SESSION_SUPERSEDED,
    /** The session received no heartbeat within its timeout. */
    SESSION_EXPIRED
  }

  private final Reason reason;
  private final String byDeviceId;

  SessionException(Reason reason, String message) {
    this(reason, message, null);
  }

  SessionException(Reason reason, String message, String byDeviceId) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.byDeviceId = byDeviceId;
  }

  /** Returns the reason code. */
  public Reason reason() {
    return reason;
  }

  /** Returns the device that took over, for {@link Reason#SESSION_SUPERSEDED}, or null. */
  public String byDeviceId() {
    return byDeviceId;
  }
}
