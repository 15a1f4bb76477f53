package dev.tonearm.offline;

import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key requests after downloads, for {@link DownloadManager}: the key rule.
 *
 * <p>Every DOWNLOADED track waiting for a key goes into one request, which the server serves only
 * after checking the subscription again. A rejected key deletes the file, and a stored key makes
 * the track AVAILABLE. When the server cannot be reached, the files stay and the request waits for
 * a retry time drawn with full jitter.
 *
 * <p>Runs on the download manager's control thread; {@link #canRequestKeysLocked} is called under
 * the offline lock from any thread. The retry fields are guarded by the offline lock.
 */
final class KeyRequester {
  private static final Logger log = LoggerFactory.getLogger(KeyRequester.class);

  private final OfflineContext context;
  private final DownloadManager downloads;
  private final LicenceManager licences;

  // Guarded by context.lock.
  private int keyRequestFailures;
  private long keyRetryNotBeforeMs;

  KeyRequester(OfflineContext context, DownloadManager downloads, LicenceManager licences) {
    this.context = context;
    this.downloads = downloads;
    this.licences = licences;
  }

  /**
   * Requests keys for DOWNLOADED tracks batch by batch until none is left, the server cannot be
   * reached, or key requests are blocked (locked, expired, or waiting for the retry time).
   */
  void run() {
    while (!context.isClosed()) {
      List<String> batch = new ArrayList<>();
      context.lock.lock();
      try {
        if (!canRequestKeysLocked(context.nowMs())) {
          return;
        }
        for (IndexEntry entry : context.index.entries()) {
          if (entry.state() == DownloadState.DOWNLOADED) {
            batch.add(entry.trackId());
            if (batch.size() == DownloadManager.MAX_BATCH_TRACKS) {
              break;
            }
          }
        }
      } finally {
        context.lock.unlock();
      }
      if (batch.isEmpty() || !requestKeys(batch)) {
        return;
      }
    }
  }

  /**
   * Returns whether keys may be requested now: not locked, not expired, and past the retry time.
   * Call under the offline lock.
   */
  boolean canRequestKeysLocked(long nowMs) {
    return context.index.lockReason() == null
        && context.licenceStatus(nowMs).phase() != LicencePhase.EXPIRED
        && nowMs >= keyRetryNotBeforeMs;
  }

  /**
   * Requests keys for downloaded tracks and applies the response. Returns false when the server
   * could not be reached, so the caller stops until the retry time.
   */
  private boolean requestKeys(List<String> batch) {
    KeyGrant grant = null;
    List<IOException> failures = new ArrayList<>();
    for (int attempt = 1; grant == null; attempt++) {
      try {
        grant = context.client.requestKeys(batch);
      } catch (OfflineException e) {
        if (e.isTransient()) {
          // A server that cannot issue keys now has not rejected them: keep the files.
          failures.add(e);
          if (attempt >= context.settings.maxAttempts || !downloads.sleepBackoff(attempt)) {
            deferKeyRequests("the licence server failed: " + e.getMessage());
            return false;
          }
          continue;
        }
        boolean splittable =
            batch.size() > 1
                && e.reason() != OfflineException.Reason.PREMIUM_REQUIRED
                && e.reason() != OfflineException.Reason.DEVICE_NOT_REGISTERED;
        if (splittable) {
          // One bad track must not cost the others their files; ask for each alone.
          for (String trackId : batch) {
            if (!requestKeys(Collections.singletonList(trackId))) {
              return false;
            }
          }
          return true;
        }
        rejectKeys(batch, e);
        return true;
      } catch (IOException e) {
        failures.add(e);
        if (attempt >= context.settings.maxAttempts || !downloads.sleepBackoff(attempt)) {
          deferKeyRequests("the licence server could not be reached: " + e.getMessage());
          return false;
        }
      }
    }
    storeKeys(batch, grant);
    return true;
  }

  /** Applies the key rule: a rejected key deletes the downloaded file. */
  private void rejectKeys(List<String> batch, OfflineException rejection) {
    log.info("Keys for {} tracks rejected: {}", batch.size(), rejection.reason());
    context.lock.lock();
    try {
      for (String trackId : batch) {
        IndexEntry entry = context.index.entry(trackId);
        if (entry == null || entry.state() != DownloadState.DOWNLOADED) {
          continue;
        }
        // Record the failure first: a crash before the delete leaves a FAILED entry, whose files
        // the next open deletes, never an entry that still looks downloaded.
        downloads.failLocked(entry, rejection.reason(), rejection.getMessage());
        context.deleteTrackFiles(trackId);
        entry.setDownloadedBytes(0);
        if (rejection.reason() != OfflineException.Reason.PREMIUM_REQUIRED) {
          context.index.addPendingRelease(trackId);
        }
      }
      if (rejection.reason() == OfflineException.Reason.PREMIUM_REQUIRED) {
        licences.lock(rejection.reason());
      }
    } catch (IOException e) {
      log.error("Cannot record rejected keys in the index", e);
    } finally {
      context.lock.unlock();
    }
  }

  private void storeKeys(List<String> batch, KeyGrant grant) {
    Map<String, DeviceKey> keys = new HashMap<>();
    for (DeviceKey key : grant.keys()) {
      keys.put(key.trackId(), key);
    }
    boolean missing = false;
    context.keyLock.lock();
    try {
      List<DeviceKey> toStore = new ArrayList<>();
      context.lock.lock();
      try {
        for (String trackId : batch) {
          IndexEntry entry = context.index.entry(trackId);
          DeviceKey key = keys.get(trackId);
          if (entry == null || entry.state() != DownloadState.DOWNLOADED) {
            continue;
          }
          if (key == null || !key.keyId().equals(entry.grant().keyId())) {
            log.warn("The key grant has no matching key for track {}", trackId);
            missing = true;
            continue;
          }
          toStore.add(key);
        }
      } finally {
        context.lock.unlock();
      }
      // One batch, because each write of the device key store rewrites its whole file.
      context.storeKeys(toStore);
      context.lock.lock();
      try {
        licences.applyTermsLocked(grant.terms());
        List<String> removedMeanwhile = new ArrayList<>();
        for (DeviceKey key : toStore) {
          IndexEntry entry = context.index.entry(key.trackId());
          if (entry == null) {
            removedMeanwhile.add(key.trackId());
          } else if (entry.state() == DownloadState.DOWNLOADED) {
            context.index.setState(key.trackId(), DownloadState.AVAILABLE, null);
            downloads.emitChanged(entry);
          }
        }
        context.removeKeys(removedMeanwhile);
        if (missing) {
          deferKeyRequestsLocked();
        } else {
          keyRequestFailures = 0;
        }
      } finally {
        context.lock.unlock();
      }
    } catch (IOException e) {
      log.error("Storing keys failed; the tracks stay DOWNLOADED and are retried", e);
      deferKeyRequests("storing keys failed: " + e.getMessage());
    } finally {
      context.keyLock.unlock();
    }
    licences.evaluate();
  }

  private void deferKeyRequests(String why) {
    context.lock.lock();
    try {
      log.debug("Key requests deferred: {}", why);
      deferKeyRequestsLocked();
    } finally {
      context.lock.unlock();
    }
  }

  private void deferKeyRequestsLocked() {
    keyRequestFailures++;
    keyRetryNotBeforeMs = context.nowMs() + context.refreshBackoff.delayMs(keyRequestFailures);
  }
}
