package dev.tonearm.offline.internal;

import dev.tonearm.offline.DownloadState;
import dev.tonearm.offline.OfflineException;

/** One track in the download index. Mutable; guarded by the offline lock, like the whole index. */
public final class IndexEntry {
  private final String trackId;
  private final long requestedAtMs;
  private DownloadState state = DownloadState.REQUESTED;
  private OfflineException.Reason failureReason;

  /** Message of the failure for the user; kept in memory only. */
  private String failureMessage;

  private Grant grant;

  /** Bytes of verified data on disk; kept in memory only, recomputed from the file on open. */
  private long downloadedBytes;

  IndexEntry(String trackId, long requestedAtMs) {
    this.trackId = trackId;
    this.requestedAtMs = requestedAtMs;
  }

  public String trackId() {
    return trackId;
  }

  public long requestedAtMs() {
    return requestedAtMs;
  }

  public DownloadState state() {
    return state;
  }

  void setState(DownloadState state, OfflineException.Reason failureReason) {
    this.state = state;
    this.failureReason = failureReason;
    this.failureMessage = null;
  }

  public String failureMessage() {
    return failureMessage;
  }

  /** Attaches a message to the current failure; call after the FAILED state is recorded. */
  public void setFailureMessage(String failureMessage) {
    this.failureMessage = failureMessage;
  }

  /** Returns why the download failed, or null unless the state is FAILED. */
  public OfflineException.Reason failureReason() {
    return failureReason;
  }

  /** Returns the authorisation, or null before the server authorised the track. */
  public Grant grant() {
    return grant;
  }

  void setGrant(Grant grant) {
    this.grant = grant;
  }

  public long downloadedBytes() {
    return downloadedBytes;
  }

  public void setDownloadedBytes(long downloadedBytes) {
    this.downloadedBytes = downloadedBytes;
  }

  /** Returns the bytes this track takes from the quota: its size once authorised and kept. */
  public long committedBytes() {
    if (grant == null) {
      return 0;
    }
    switch (state) {
      case QUEUED:
      case DOWNLOADING:
      case PAUSED:
      case DOWNLOADED:
      case AVAILABLE:
        return grant.sizeBytes();
      default:
        return 0;
    }
  }

  /** Returns the bytes still to be written to disk for this track. */
  public long pendingBytes() {
    if (grant == null) {
      return 0;
    }
    switch (state) {
      case QUEUED:
      case DOWNLOADING:
      case PAUSED:
        return Math.max(0, grant.sizeBytes() - downloadedBytes);
      default:
        return 0;
    }
  }
}
