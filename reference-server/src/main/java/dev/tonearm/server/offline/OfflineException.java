package dev.tonearm.server.offline;

import java.util.Objects;

/**
 * A rejected offline operation. The message is written for the end user, so the app can show it as
 * is; {@link #reason()} is the stable code to switch on.
 */
public final class OfflineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final OfflineReason reason;

  public OfflineException(OfflineReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public OfflineException(OfflineReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public OfflineReason reason() {
    return reason;
  }
}
