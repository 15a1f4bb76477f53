package dev.tonearm.sync;

/**
 * Error of the sync module, with a stable {@link Reason} code.
 *
 * <p>The reason names are also the error codes of the sync wire protocol, so a client receives the
 * same code that the server raised.
 */
public final class SyncException extends java.io.IOException {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes. */
  public enum Reason {
    /** An operation is malformed or contradicts the state it applies to. */
    INVALID_OP,
    /** An operation depends on operations that have not been applied yet. */
    MISSING_DEPENDENCY,
    /** A size limit was exceeded: entries, batch size, text length or buffered operations. */
    LIMIT_EXCEEDED,
    /** A stored file is unreadable beyond what crash recovery can repair. */
    CORRUPT_STORAGE,
    /** Reading or writing local storage failed. */
    STORAGE_FAILED,
    /** A message does not follow the sync protocol. */
    PROTOCOL_ERROR,
    /** The access token is missing or invalid. */
    UNAUTHORIZED,
    /** The access token has expired; refresh it and connect again. */
    TOKEN_EXPIRED,
    /** The user is neither the owner nor a collaborator, or the action is owner-only. */
    FORBIDDEN,
    /** The playlist does not exist, or its deletion has expired and it was purged. */
    NOT_FOUND,
    /** A playlist with that id already exists. */
    ALREADY_EXISTS,
    /** The playlist is soft-deleted; restore it or copy it to keep editing. */
    PLAYLIST_DELETED,
    /** The connection to the server failed or closed. */
    CONNECTION_FAILED,
    /** An unexpected server-side failure. */
    INTERNAL
  }

  private final Reason reason;

  public SyncException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SyncException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return reason + ": " + super.getMessage();
  }
}
