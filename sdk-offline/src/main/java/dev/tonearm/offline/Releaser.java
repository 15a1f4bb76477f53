package dev.tonearm.offline;

import dev.tonearm.offline.internal.OfflineContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases of deleted tracks on the server, for {@link DownloadManager}. Tracks removed while
 * offline stay in the index's pending releases until a release succeeds, so the server stops
 * counting them against the device's track limit. A failed release is retried after a full-jitter
 * backoff. Thread-safe; its fields are guarded by the offline lock.
 */
final class Releaser {
  private static final Logger log = LoggerFactory.getLogger(Releaser.class);

  private final OfflineContext context;

  // Guarded by context.lock.
  private int releaseFailures;
  private long retryNotBeforeMs;

  Releaser(OfflineContext context) {
    this.context = context;
  }

  /** Returns whether the retry time of failed releases has passed. Call under the offline lock. */
  boolean canRetryLocked(long nowMs) {
    return nowMs >= retryNotBeforeMs;
  }

  /**
   * Releases tracks the server still counts although they were deleted. Runs on the caller's
   * thread; failures are kept for a later attempt.
   */
  void flush() {
    List<String> trackIds;
    context.lock.lock();
    try {
      trackIds = new ArrayList<>(context.index.pendingReleases());
    } finally {
      context.lock.unlock();
    }
    if (trackIds.isEmpty()) {
      return;
    }
    boolean released;
    try {
      for (int from = 0; from < trackIds.size(); from += DownloadManager.MAX_BATCH_TRACKS) {
        context.client.release(
            trackIds.subList(
                from, Math.min(trackIds.size(), from + DownloadManager.MAX_BATCH_TRACKS)));
      }
      released = true;
    } catch (OfflineException e) {
      // Nothing to release when the device is gone or the server rejects; stop retrying.
      log.debug("Release of {} tracks failed with {}", trackIds.size(), e.reason());
      released = !e.isTransient();
    } catch (IOException e) {
      log.debug("Release of {} tracks failed; retrying later: {}", trackIds.size(), e.toString());
      released = false;
    }
    context.lock.lock();
    try {
      if (released) {
        releaseFailures = 0;
        for (String trackId : trackIds) {
          if (context.index.pendingReleases().contains(trackId)) {
            context.index.removePendingRelease(trackId);
          }
        }
      } else {
        releaseFailures++;
        retryNotBeforeMs = context.nowMs() + context.refreshBackoff.delayMs(releaseFailures);
      }
    } catch (IOException e) {
      log.error("Cannot record released tracks in the download index", e);
    } finally {
      context.lock.unlock();
    }
  }
}
