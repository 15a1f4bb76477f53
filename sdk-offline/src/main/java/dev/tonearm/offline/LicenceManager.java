package dev.tonearm.offline;

import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline licence lifecycle: phase events, the expiry wipe, subscription locks and batch
 * refreshes, all driven by the injected clock.
 *
 * <p>One licence covers every key on the device (see {@link LicencePhase} for the days). Each
 * {@link #tick} does the following:
 *
 * <ul>
 *   <li>reports a phase change, and in URGENT one reminder per licence day;
 *   <li>once the licence has EXPIRED, moves every AVAILABLE track back to DOWNLOADED in the index
 *       and then deletes the keys, so a crash in between never leaves a track marked available
 *       without a key;
 *   <li>while the network is available, refreshes the keys of every track in one request when the
 *       licence is within {@code refreshLeadMs} of its expiry (7 days by default, so at the start
 *       of WARNING, whose timing carries the server's per-device jitter), when it has expired or
 *       when tracks are locked. A failed refresh is retried after a full-jitter backoff.
 * </ul>
 *
 * <p>A refresh rejected with PREMIUM_REQUIRED locks every offline track (also when a download's
 * authorisation or key request is rejected that way). The lock is kept in the index and lifted only
 * by a successful refresh. A refresh rejected with DEVICE_NOT_REGISTERED deletes every offline
 * track, because the server no longer counts any of them for this device.
 *
 * <p>Thread-safe. {@link #tick} and {@link #refreshNow} use the network; call them off the main
 * thread. The manager also ticks itself on its own thread every {@code tickIntervalMs} and when the
 * network comes back. Listener callbacks arrive on the SDK's event thread.
 */
public final class LicenceManager {
  private static final Logger log = LoggerFactory.getLogger(LicenceManager.class);

  private final OfflineContext context;
  private final DownloadManager downloads;
  private final CopyOnWriteArrayList<LicenceListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private volatile boolean networkAvailable = true;

  // Guarded by context.lock.
  private LicencePhase reportedPhase;
  // NOTE: kept in memory only, so a restart on an URGENT day sends that day's reminder again.
  private int remindedDay;
  private boolean refreshing;
  private int refreshFailures;
  private long nextRefreshAttemptMs;

  LicenceManager(
      OfflineContext context, DownloadManager downloads, List<LicenceListener> initialListeners) {
    this.context = context;
    this.downloads = downloads;
    this.listeners.addAll(initialListeners);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tonearm-offline-licence");
              thread.setDaemon(true);
              return thread;
            });
  }

  public void addListener(LicenceListener listener) {
    listeners.add(listener);
  }

  public void removeListener(LicenceListener listener) {
    listeners.remove(listener);
  }

  /** Returns the licence status at the clock's current time. */
  public LicenceStatus getStatus() {
    context.lock.lock();
    try {
      return context.licenceStatus(context.nowMs());
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Sets whether the network is up; the app calls this from its connectivity callback. When the
   * network comes back and automatic ticks are on, a tick runs at once on the manager's thread.
   * With automatic ticks off, the caller ticks. The default is available.
   */
  public void setNetworkAvailable(boolean available) {
    boolean cameBack = available && !networkAvailable;
    networkAvailable = available;
    if (cameBack && context.settings.tickIntervalMs > 0) {
      tickAsync();
    }
  }

  public boolean isNetworkAvailable() {
    return networkAvailable;
  }

  /**
   * Evaluates the lifecycle at the clock's current time: phase and reminder events, the expiry
   * wipe, and a background refresh when one is due and the network is available.
   */
  public void tick() {
    if (context.isClosed()) {
      return;
    }
    boolean due;
    context.lock.lock();
    try {
      long nowMs = context.nowMs();
      due =
          networkAvailable
              && !refreshing
              && nowMs >= nextRefreshAttemptMs
              && isRefreshDueLocked(nowMs);
    } finally {
      context.lock.unlock();
    }
    if (due) {
      try {
        refreshNow();
      } catch (IOException e) {
        log.debug("Background licence refresh failed: {}", e.toString());
      }
    }
    // After the refresh, so a licence renewed in this tick reports no warning or wipe.
    evaluate();
    downloads.schedule();
  }

  /**
   * Refreshes the keys of every track on the device in one request and renews the licence.
   *
   * @return the status after the refresh
   * @throws OfflineException when the server rejects (PREMIUM_REQUIRED locks the tracks,
   *     DEVICE_NOT_REGISTERED deletes them)
   * @throws IOException when the server cannot be reached; retried by later ticks after a backoff
   * @throws OfflineException {@code IO_ERROR} when the refreshed keys or licence cannot be stored;
   *     the device keeps its previous keys and licence, and later ticks retry after a backoff
   */
  public LicenceStatus refreshNow() throws IOException {
    List<String> held = new ArrayList<>();
    context.lock.lock();
    try {
      if (context.isClosed()) {
        throw new OfflineException(
            OfflineException.Reason.CLOSED, "The offline manager is closed.");
      }
      refreshing = true;
      for (IndexEntry entry : context.index.entries()) {
        if (entry.committedBytes() > 0) {
          held.add(entry.trackId());
        }
      }
    } finally {
      context.lock.unlock();
    }
    try {
      downloads.flushReleases();
      KeyGrant grant;
      try {
        grant = context.client.refresh(held);
      } catch (OfflineException e) {
        if (e.isTransient()) {
          onRefreshFailed(e);
        } else {
          onRefreshRejected(e);
        }
        throw e;
      } catch (IOException e) {
        onRefreshFailed(e);
        throw e;
      }
      try {
        applyRefresh(grant);
      } catch (IOException e) {
        OfflineException failure = applyFailure(e);
        log.warn("Applying a licence refresh failed; retried after a backoff", failure);
        onRefreshFailed(failure);
        throw failure;
      }
      return getStatus();
    } finally {
      context.lock.lock();
      try {
        refreshing = false;
      } finally {
        context.lock.unlock();
      }
    }
  }

  /** Locks every offline track until a refresh succeeds. Reports it once. */
  void lock(OfflineException.Reason reason) {
    context.lock.lock();
    try {
      if (context.index.lockReason() == reason) {
        return;
      }
      context.index.setLock(reason);
      log.info("Offline tracks locked: {}", reason);
      dispatch(listener -> listener.onLocked(reason));
    } catch (IOException e) {
      log.error("Cannot record the offline lock in the index", e);
    } finally {
      context.lock.unlock();
    }
  }

  /** Records licence terms from a key delivery when they are newer. Call under the lock. */
  void applyTermsLocked(LicenceTerms terms) throws IOException {
    LicenceTerms current = context.index.licence();
    if (current == null || terms.checkedAtMs() >= current.checkedAtMs()) {
      context.index.setLicence(terms);
    }
  }

  /**
   * Reports phase and reminder events and wipes keys once the licence has expired. The first call
   * reports the current phase unless there is no licence yet.
   */
  void evaluate() {
    boolean expired;
    context.lock.lock();
    try {
      LicenceStatus status = context.licenceStatus(context.nowMs());
      if (status.phase() != reportedPhase) {
        reportedPhase = status.phase();
        if (status.phase() != LicencePhase.NONE) {
          dispatch(listener -> listener.onPhaseChanged(status));
        }
      }
      if (status.phase() == LicencePhase.URGENT && status.day() != remindedDay) {
        remindedDay = status.day();
        dispatch(listener -> listener.onReminder(status));
      }
      expired = status.phase() == LicencePhase.EXPIRED && hasAvailableLocked();
    } finally {
      context.lock.unlock();
    }
    if (expired) {
      wipeExpiredKeys();
    }
  }

  void start() {
    evaluate();
    long intervalMs = context.settings.tickIntervalMs;
    try {
      if (intervalMs > 0) {
        ticker.scheduleWithFixedDelay(this::tickSafely, 0, intervalMs, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      log.debug("Licence ticks not started: closed");
    }
  }

  /** Stops ticks; a tick in progress finishes, because an interrupt could cut a file write. */
  void close() throws InterruptedException {
    ticker.shutdown();
    ticker.awaitTermination(10, TimeUnit.SECONDS);
  }

  private void tickAsync() {
    try {
      ticker.execute(this::tickSafely);
    } catch (RejectedExecutionException e) {
      log.debug("Licence tick skipped: closed");
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.error("Licence tick failed", e);
    }
  }

  private boolean isRefreshDueLocked(long nowMs) {
    boolean holdsTracks = false;
    for (IndexEntry entry : context.index.entries()) {
      if (entry.state() == DownloadState.DOWNLOADED || entry.state() == DownloadState.AVAILABLE) {
        holdsTracks = true;
        break;
      }
    }
    if (!holdsTracks) {
      return false;
    }
    // Without a licence yet, downloaded tracks get their keys from key requests, whose rejection
    // deletes the files; a refresh would only lock them.
    LicenceTerms terms = context.index.licence();
    if (context.index.lockReason() != null) {
      return true;
    }
    return terms != null && nowMs >= terms.expiresAtMs() - context.settings.refreshLeadMs;
  }

  private boolean hasAvailableLocked() {
    for (IndexEntry entry : context.index.entries()) {
      if (entry.state() == DownloadState.AVAILABLE) {
        return true;
      }
    }
    return false;
  }

  /**
   * Moves AVAILABLE tracks to DOWNLOADED in the index, then deletes every key. The condition is
   * checked again under the key lock, because a refresh may have renewed the licence meanwhile.
   */
  private void wipeExpiredKeys() {
    int wiped = 0;
    context.keyLock.lock();
    try {
      context.lock.lock();
      try {
        LicenceStatus status = context.licenceStatus(context.nowMs());
        if (status.phase() != LicencePhase.EXPIRED) {
          return;
        }
        List<IndexEntry> available = new ArrayList<>();
        for (IndexEntry entry : context.index.entries()) {
          if (entry.state() == DownloadState.AVAILABLE) {
            available.add(entry);
          }
        }
        context.index.wipeKeys();
        wiped = available.size();
        for (IndexEntry entry : available) {
          downloads.notifyChangedLocked(entry);
        }
      } finally {
        context.lock.unlock();
      }
      // The key store contains offline keys only, so one batch removes every key, strays included.
      context.removeKeys(new ArrayList<>(context.keyStore.trackIds()));
    } catch (IOException e) {
      log.error("Wiping expired keys failed; retried at the next tick", e);
      return;
    } finally {
      context.keyLock.unlock();
    }
    log.info("Offline licence expired; wiped the keys of {} tracks", wiped);
    int count = wiped;
    dispatch(listener -> listener.onKeysWiped(count));
  }

  private void onRefreshRejected(OfflineException rejection) throws IOException {
    log.info("Licence refresh rejected: {}", rejection.reason());
    backOffRefresh();
    if (rejection.reason() == OfflineException.Reason.PREMIUM_REQUIRED) {
      lock(rejection.reason());
    } else if (rejection.reason() == OfflineException.Reason.DEVICE_NOT_REGISTERED) {
      downloads.removeAllForDeauthorisedDevice();
      context.lock.lock();
      try {
        context.index.setLock(null);
      } finally {
        context.lock.unlock();
      }
      dispatch(LicenceListener::onDeviceDeauthorised);
    }
  }

  private void onRefreshFailed(IOException error) {
    log.debug("Licence refresh failed: {}", error.toString());
    backOffRefresh();
    dispatch(listener -> listener.onRefreshFailed(error));
  }

  private void backOffRefresh() {
    context.lock.lock();
    try {
      refreshFailures++;
      nextRefreshAttemptMs = context.nowMs() + context.refreshBackoff.delayMs(refreshFailures);
    } finally {
      context.lock.unlock();
    }
  }

  /** Returns the failure to apply a refresh as an OfflineException, keeping its reason. */
  private static OfflineException applyFailure(IOException error) {
    if (error instanceof OfflineException) {
      return (OfflineException) error;
    }
    return new OfflineException(
        OfflineException.Reason.IO_ERROR,
        "Storing the refreshed keys or licence failed: " + error.getMessage(),
        error);
  }

  private void applyRefresh(KeyGrant grant) throws IOException {
    downloads.removeDropped(grant.droppedTrackIds());
    boolean unlocked;
    int stored = 0;
    context.keyLock.lock();
    try {
      List<DeviceKey> toStore = new ArrayList<>();
      context.lock.lock();
      try {
        for (DeviceKey key : grant.keys()) {
          IndexEntry entry = context.index.entry(key.trackId());
          boolean onDisk =
              entry != null
                  && (entry.state() == DownloadState.DOWNLOADED
                      || entry.state() == DownloadState.AVAILABLE)
                  && key.keyId().equals(entry.grant().keyId());
          if (onDisk) {
            toStore.add(key);
          }
        }
      } finally {
        context.lock.unlock();
      }
      // Keys for tracks still downloading are not stored: those get theirs after the download.
      // One batch, because each write of the device key store rewrites its whole file. The licence
      // and the track states change only after it succeeds, so a failure leaves both as they were.
      context.storeKeys(toStore);
      context.lock.lock();
      try {
        context.index.setLicence(grant.terms());
        unlocked = context.index.lockReason() != null;
        if (unlocked) {
          context.index.setLock(null);
        }
        List<String> removedMeanwhile = new ArrayList<>();
        for (DeviceKey key : toStore) {
          IndexEntry entry = context.index.entry(key.trackId());
          if (entry == null) {
            removedMeanwhile.add(key.trackId());
          } else if (entry.state() == DownloadState.DOWNLOADED) {
            context.index.setState(key.trackId(), DownloadState.AVAILABLE, null);
            downloads.notifyChangedLocked(entry);
            stored++;
          } else if (entry.state() == DownloadState.AVAILABLE) {
            stored++;
          }
        }
        context.removeKeys(removedMeanwhile);
        refreshFailures = 0;
        nextRefreshAttemptMs = 0;
      } finally {
        context.lock.unlock();
      }
    } finally {
      context.keyLock.unlock();
    }
    log.debug("Licence refreshed with {} keys", stored);
    LicenceStatus status = getStatus();
    int keyCount = stored;
    if (unlocked) {
      log.info("Offline tracks unlocked by a successful refresh");
      dispatch(LicenceListener::onUnlocked);
    }
    dispatch(listener -> listener.onRefreshed(status, keyCount));
    evaluate();
    downloads.schedule();
  }

  private interface Event {
    void deliver(LicenceListener listener);
  }

  private void dispatch(Event event) {
    context.events.dispatch(
        () -> {
          for (LicenceListener listener : listeners) {
            event.deliver(listener);
          }
        });
  }
}
