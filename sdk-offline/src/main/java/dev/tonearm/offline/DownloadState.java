package dev.tonearm.offline;

/**
 * States of a download. A track is playable offline only in {@link #AVAILABLE}, and only while the
 * licence is neither expired nor locked.
 *
 * <pre>
 * REQUESTED -> QUEUED -> DOWNLOADING -> DOWNLOADED -> AVAILABLE
 *     |          ^  |        |              |            |
 *     |          |  v        v              v            v
 *     |        PAUSED     (retries)      FAILED     DOWNLOADED (keys wiped at expiry)
 *     v
 *   FAILED (rejected by the server, quota or disk)
 * </pre>
 */
public enum DownloadState {
  /** Waiting for the server's authorisation. */
  REQUESTED,
  /** Authorised and admitted by the quota and disk checks; waiting for a download slot. */
  QUEUED,
  /** Bytes are being downloaded. */
  DOWNLOADING,
  /** Stopped by the user; the partial file is kept and resumed with a range request. */
  PAUSED,
  /** The file is complete and verified, but no key is stored: it waits for a key request. */
  DOWNLOADED,
  /** The file is complete and verified and its key is stored. */
  AVAILABLE,
  /** The download ended with a reason; retry with {@link DownloadManager#download}. */
  FAILED
}
