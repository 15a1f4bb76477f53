package dev.tonearm.server;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Raised when a server or the {@code ingest} command starts on a data directory that another
 * process, or another server in this JVM, has locked. Its reason code is {@link #REASON}.
 */
public final class DataDirectoryLockedException extends IOException {
  /** Stable reason code, printed by the command line as {@code error: DATA_DIR_LOCKED: ...}. */
  public static final String REASON = "DATA_DIR_LOCKED";

  private static final long serialVersionUID = 1L;

  private final Path directory;

  /**
   * Creates the exception for {@code directory}.
   *
   * @param ownerPid process id stored in the lock file, or an empty string when unknown
   */
  public DataDirectoryLockedException(Path directory, String ownerPid) {
    super(message(directory, ownerPid));
    this.directory = directory;
  }

  /** Returns the stable reason code, {@link #REASON}. */
  public String reason() {
    return REASON;
  }

  /** Returns the locked data directory. */
  public Path directory() {
    return directory;
  }

  private static String message(Path directory, String ownerPid) {
    String owner = ownerPid.isEmpty() ? "another server" : "process " + ownerPid;
    return "data directory "
        + directory
        + " is in use by "
        + owner
        + "; stop that server or choose another --data-dir";
  }
}
