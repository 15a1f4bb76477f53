package dev.tonearm.offline;

/** A snapshot of one download. Immutable. */
public final class Download {
  private final String trackId;
  private final DownloadState state;
  private final long downloadedBytes;
  private final long totalBytes;
  private final OfflineException.Reason failureReason;
  private final String failureMessage;

  public Download(
      String trackId,
      DownloadState state,
      long downloadedBytes,
      long totalBytes,
      OfflineException.Reason failureReason,
      String failureMessage) {
    this.trackId = trackId;
    this.state = state;
    this.downloadedBytes = downloadedBytes;
    this.totalBytes = totalBytes;
    this.failureReason = failureReason;
    this.failureMessage = failureMessage;
  }

  public String trackId() {
    return trackId;
  }

  public DownloadState state() {
    return state;
  }

  /** Returns the verified bytes on disk. */
  public long downloadedBytes() {
    return downloadedBytes;
  }

  /** Returns the object size, or -1 before the server authorised the download. */
  public long totalBytes() {
    return totalBytes;
  }

  /** Returns why the download failed, or null unless the state is FAILED. */
  public OfflineException.Reason failureReason() {
    return failureReason;
  }

  /**
   * Returns the failure's message for the user, or null. It is kept in memory only, so a FAILED
   * download restored after a restart has a reason but no message.
   */
  public String failureMessage() {
    return failureMessage;
  }

  @Override
  public String toString() {
    return "Download{"
        + trackId
        + ", "
        + state
        + ", "
        + downloadedBytes
        + "/"
        + totalBytes
        + (failureReason == null ? "" : ", " + failureReason)
        + "}";
  }
}
