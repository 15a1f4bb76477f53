package dev.tonearm.offline;

import dev.tonearm.offline.internal.DownloadTask;
import dev.tonearm.offline.internal.Durable;
import dev.tonearm.offline.internal.Grant;
import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import dev.tonearm.offline.internal.TrackIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads tracks for offline playback: a persistent queue with bounded parallelism, pause and
 * resume, retries with backoff, a storage quota and the key rule below.
 *
 * <p>Pipeline of one track:
 *
 * <ol>
 *   <li>{@link #download} records the request in the index (REQUESTED).
 *   <li>The server authorises it, checking Premium, the device and the track limit. The object must
 *       then fit the user's quota and the free disk space, or the track fails with QUOTA_EXCEEDED
 *       or STORAGE_FULL before any byte is written (QUEUED).
 *   <li>The object is downloaded and verified chunk by chunk, resuming partial files with range
 *       requests (DOWNLOADING, then DOWNLOADED once complete and renamed).
 *   <li>Keys are requested after the download, so the server checks the subscription again. If it
 *       rejects, the file is deleted and the track fails with the server's reason. Only after the
 *       key is stored is the track marked AVAILABLE.
 * </ol>
 *
 * <p>Authorisations, key requests and releases run on one control thread, downloads on a pool of
 * {@code maxParallelDownloads} threads. Key requests are batched: all downloaded tracks waiting for
 * keys go in one request.
 *
 * <p>Thread-safe: every method may be called from any thread, and none blocks on the network.
 * Listener callbacks arrive on the SDK's event thread.
 */
public final class DownloadManager {
  private static final Logger log = LoggerFactory.getLogger(DownloadManager.class);

  /** Maximum tracks on one device, as the server enforces; checked locally first. */
  public static final int MAX_TRACKS_PER_DEVICE = 10_000;

  /** Maximum tracks per authorisation or key request. */
  static final int MAX_BATCH_TRACKS = 500;

  /**
   * Tracks whose grants are recorded together. Small groups let downloads start early and keep the
   * work lost to a crash in the middle of a large admission small.
   */
  static final int GRANT_GROUP_TRACKS = 16;

  private final OfflineContext context;
  private final CopyOnWriteArrayList<DownloadListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService workers;
  private final ExecutorService control;
  private LicenceManager licences;
  private volatile Thread controlThreadInBackoff;

  // Guarded by context.lock.
  private final Map<String, DownloadTask> running = new HashMap<>();
  private final Set<String> pauseRequested = new HashSet<>();
  private boolean authorisationScheduled;
  private boolean keyRequestScheduled;
  private boolean releaseScheduled;
  private int keyRequestFailures;
  private long keyRetryNotBeforeMs;
  private int releaseFailures;
  private long releaseRetryNotBeforeMs;

  DownloadManager(OfflineContext context, List<DownloadListener> initialListeners) {
    this.context = context;
    this.listeners.addAll(initialListeners);
    this.workers =
        Executors.newFixedThreadPool(
            context.settings.maxParallelDownloads, namedThreads("tonearm-offline-download"));
    this.control = Executors.newSingleThreadExecutor(namedThreads("tonearm-offline-control"));
  }

  void setLicenceManager(LicenceManager licences) {
    this.licences = licences;
  }

  public void addListener(DownloadListener listener) {
    listeners.add(listener);
  }

  public void removeListener(DownloadListener listener) {
    listeners.remove(listener);
  }

  /** Queues one track; see {@link #download(List)}. */
  public void download(String trackId) throws OfflineException {
    download(Collections.singletonList(trackId));
  }

  /**
   * Queues tracks for download. Tracks already queued, downloading, paused or available are left as
   * they are; FAILED tracks start again from the authorisation.
   *
   * @throws OfflineException with INVALID_ARGUMENT for a malformed id, TRACK_LIMIT when the device
   *     would hold more than {@value #MAX_TRACKS_PER_DEVICE} tracks, IO_ERROR when the index cannot
   *     be written, or CLOSED
   */
  public void download(List<String> trackIds) throws OfflineException {
    Set<String> unique = new LinkedHashSet<>();
    for (String trackId : trackIds) {
      String problem = TrackIds.trackIdProblem(trackId);
      if (problem != null) {
        throw new OfflineException(OfflineException.Reason.INVALID_ARGUMENT, problem);
      }
      unique.add(trackId);
    }
    context.lock.lock();
    try {
      requireOpen();
      int kept = 0;
      int added = 0;
      for (IndexEntry entry : context.index.entries()) {
        if (entry.state() != DownloadState.FAILED) {
          kept++;
        }
      }
      for (String trackId : unique) {
        IndexEntry entry = context.index.entry(trackId);
        if (entry == null || entry.state() == DownloadState.FAILED) {
          added++;
        }
      }
      if (kept + added > MAX_TRACKS_PER_DEVICE) {
        throw new OfflineException(
            OfflineException.Reason.TRACK_LIMIT,
            "This device can hold up to "
                + MAX_TRACKS_PER_DEVICE
                + " downloads. It holds "
                + kept
                + ", and this request adds "
                + added
                + ". Remove downloads to make room.");
      }
      List<String> requested = new ArrayList<>();
      for (String trackId : unique) {
        IndexEntry entry = context.index.entry(trackId);
        if (entry != null && entry.state() != DownloadState.FAILED) {
          continue;
        }
        if (context.index.pendingReleases().contains(trackId)) {
          // The server still counts the track; cancel the release instead of racing it.
          context.index.removePendingRelease(trackId);
        }
        requested.add(trackId);
      }
      context.index.requestAll(requested, context.nowMs());
      for (String trackId : requested) {
        emitChanged(context.index.entry(trackId));
      }
      scheduleLocked();
    } catch (OfflineException e) {
      throw e;
    } catch (IOException e) {
      throw indexFailure(e);
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Pauses a track. A running download stops after the current chunk and keeps its partial file.
   * Does nothing unless the track is REQUESTED, QUEUED or DOWNLOADING.
   */
  public void pause(String trackId) throws OfflineException {
    context.lock.lock();
    try {
      requireOpen();
      IndexEntry entry = context.index.entry(trackId);
      if (entry == null) {
        return;
      }
      switch (entry.state()) {
        case REQUESTED:
        case QUEUED:
          context.index.setState(trackId, DownloadState.PAUSED, null);
          emitChanged(entry);
          break;
        case DOWNLOADING:
          DownloadTask task = running.get(trackId);
          if (task != null) {
            pauseRequested.add(trackId);
            task.requestStop();
          }
          break;
        default:
          break;
      }
    } catch (IOException e) {
      throw indexFailure(e);
    } finally {
      context.lock.unlock();
    }
  }

  /** Pauses every track that can be paused. */
  public void pauseAll() throws OfflineException {
    for (String trackId : trackIds()) {
      pause(trackId);
    }
  }

  /** Resumes a PAUSED track; it continues from its verified bytes. */
  public void resume(String trackId) throws OfflineException {
    context.lock.lock();
    try {
      requireOpen();
      IndexEntry entry = context.index.entry(trackId);
      if (entry == null || entry.state() != DownloadState.PAUSED) {
        return;
      }
      DownloadState next = entry.grant() == null ? DownloadState.REQUESTED : DownloadState.QUEUED;
      context.index.setState(trackId, next, null);
      emitChanged(entry);
      scheduleLocked();
    } catch (IOException e) {
      throw indexFailure(e);
    } finally {
      context.lock.unlock();
    }
  }

  /** Resumes every PAUSED track. */
  public void resumeAll() throws OfflineException {
    for (String trackId : trackIds()) {
      resume(trackId);
    }
  }

  /**
   * Removes a track: stops its download, deletes its files and key, and releases it on the server
   * (now, or at the next chance when offline).
   */
  public void remove(String trackId) throws IOException {
    context.lock.lock();
    try {
      requireOpen();
      if (!removeLocked(trackId, true)) {
        return;
      }
      scheduleLocked();
    } finally {
      context.lock.unlock();
    }
    removeKeyIfUnused(trackId);
  }

  /** Removes every track; see {@link #remove}. */
  public void removeAll() throws IOException {
    for (String trackId : trackIds()) {
      remove(trackId);
    }
  }

  /** Returns the track's download, or null when the track is not in the index. */
  public Download getDownload(String trackId) {
    context.lock.lock();
    try {
      IndexEntry entry = context.index.entry(trackId);
      return entry == null ? null : context.snapshot(entry);
    } finally {
      context.lock.unlock();
    }
  }

  /** Returns every download in request order. */
  public List<Download> getDownloads() {
    context.lock.lock();
    try {
      List<Download> downloads = new ArrayList<>();
      for (IndexEntry entry : context.index.entries()) {
        downloads.add(context.snapshot(entry));
      }
      return downloads;
    } finally {
      context.lock.unlock();
    }
  }

  /** Returns the user's storage quota, or the configured default until the user sets one. */
  public long getStorageQuotaBytes() {
    context.lock.lock();
    try {
      return quotaBytesLocked();
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Sets the user's storage quota, kept across restarts. A quota below the current use is accepted;
   * it rejects new downloads until tracks are removed.
   *
   * @throws OfflineException with INVALID_QUOTA outside {@link StorageQuota#MIN_BYTES} to {@link
   *     StorageQuota#MAX_BYTES}
   */
  public void setStorageQuotaBytes(long quotaBytes) throws OfflineException {
    StorageQuota.requireValid(quotaBytes);
    context.lock.lock();
    try {
      requireOpen();
      context.index.setQuotaBytes(quotaBytes);
    } catch (OfflineException e) {
      throw e;
    } catch (IOException e) {
      throw indexFailure(e);
    } finally {
      context.lock.unlock();
    }
  }

  /** Returns the bytes counted against the quota: every authorised track that is kept. */
  public long getUsedBytes() {
    context.lock.lock();
    try {
      return committedBytesLocked();
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Waits until no work can proceed without outside help (network back, user action, a tick) and
   * every listener event queued so far is delivered.
   *
   * @return false when {@code timeoutMs} passed first
   */
  public boolean awaitIdle(long timeoutMs) throws InterruptedException {
    long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    context.lock.lock();
    try {
      while (!isIdleLocked()) {
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
          return false;
        }
        context.changed.awaitNanos(remainingNanos);
      }
    } finally {
      context.lock.unlock();
    }
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    return context.events.awaitDelivered(Math.max(1, remainingMs));
  }

  /** Starts scheduled work after the index was opened and recovered. */
  void start() {
    context.lock.lock();
    try {
      scheduleLocked();
    } finally {
      context.lock.unlock();
    }
  }

  /** Schedules whatever work can run now; called after ticks and refreshes. */
  void schedule() {
    context.lock.lock();
    try {
      scheduleLocked();
    } finally {
      context.lock.unlock();
    }
  }

  /** Reports a state change made by the licence manager. Call under the offline lock. */
  void notifyChangedLocked(IndexEntry entry) {
    emitChanged(entry);
  }

  /** Deletes every track without releasing it, after the server dropped this device. */
  void removeAllForDeauthorisedDevice() throws IOException {
    List<String> removed = new ArrayList<>();
    context.lock.lock();
    try {
      for (String trackId : trackIdsLocked()) {
        if (removeLocked(trackId, false)) {
          removed.add(trackId);
        }
      }
      for (String trackId : new ArrayList<>(context.index.pendingReleases())) {
        context.index.removePendingRelease(trackId);
      }
    } finally {
      context.lock.unlock();
    }
    for (String trackId : removed) {
      removeKeyIfUnused(trackId);
    }
    for (String trackId : context.keyStore.trackIds()) {
      removeKeyIfUnused(trackId);
    }
  }

  /** Deletes tracks that the server no longer counts for this device, without releasing them. */
  void removeDropped(List<String> trackIds) throws IOException {
    List<String> removed = new ArrayList<>();
    context.lock.lock();
    try {
      for (String trackId : trackIds) {
        if (removeLocked(trackId, false)) {
          removed.add(trackId);
        }
      }
    } finally {
      context.lock.unlock();
    }
    for (String trackId : removed) {
      removeKeyIfUnused(trackId);
    }
  }

  /**
   * Releases tracks the server still counts although they were deleted. Runs on the caller's
   * thread; failures are kept for a later attempt.
   */
  void flushReleases() {
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
      for (int from = 0; from < trackIds.size(); from += MAX_BATCH_TRACKS) {
        context.client.release(
            trackIds.subList(from, Math.min(trackIds.size(), from + MAX_BATCH_TRACKS)));
      }
      released = true;
    } catch (OfflineException e) {
      // Nothing to release when the device is gone or the server rejects; stop retrying.
      log.debug("Release of {} tracks rejected with {}", trackIds.size(), e.reason());
      released = true;
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
        releaseRetryNotBeforeMs = context.nowMs() + context.refreshBackoff.delayMs(releaseFailures);
      }
    } catch (IOException e) {
      log.error("Cannot record released tracks in the download index", e);
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Stops downloads and background work; partial files are kept for the next open. Call after the
   * context is marked closed. Threads are not interrupted while they may write files, because an
   * interrupt closes a {@link java.nio.channels.FileChannel} mid-write.
   */
  void close() throws InterruptedException {
    context.lock.lock();
    try {
      for (DownloadTask task : running.values()) {
        task.requestStop();
      }
      context.changed.signalAll();
    } finally {
      context.lock.unlock();
    }
    control.shutdown();
    Thread sleeping = controlThreadInBackoff;
    if (sleeping != null) {
      sleeping.interrupt();
    }
    workers.shutdown();
    workers.awaitTermination(10, TimeUnit.SECONDS);
    control.awaitTermination(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduling

  private void scheduleLocked() {
    if (context.isClosed()) {
      context.changed.signalAll();
      return;
    }
    long nowMs = context.nowMs();
    boolean hasRequested = false;
    boolean hasDownloaded = false;
    for (IndexEntry entry : context.index.entries()) {
      if (entry.state() == DownloadState.REQUESTED) {
        hasRequested = true;
      } else if (entry.state() == DownloadState.DOWNLOADED) {
        hasDownloaded = true;
      } else if (entry.state() == DownloadState.QUEUED
          && running.size() < context.settings.maxParallelDownloads
          && !running.containsKey(entry.trackId())) {
        startTaskLocked(entry);
      }
    }
    if (hasRequested && !authorisationScheduled) {
      authorisationScheduled = submitControl(this::runAuthorisations);
    }
    if (hasDownloaded && !keyRequestScheduled && canRequestKeysLocked(nowMs)) {
      keyRequestScheduled = submitControl(this::runKeyRequests);
    }
    if (!context.index.pendingReleases().isEmpty()
        && !releaseScheduled
        && !authorisationScheduled
        && nowMs >= releaseRetryNotBeforeMs) {
      releaseScheduled = submitControl(this::runReleases);
    }
    context.changed.signalAll();
  }

  private boolean canRequestKeysLocked(long nowMs) {
    return context.index.lockReason() == null
        && context.licenceStatus(nowMs).phase() != LicencePhase.EXPIRED
        && nowMs >= keyRetryNotBeforeMs;
  }

  private boolean isIdleLocked() {
    if (context.isClosed()) {
      return true;
    }
    if (authorisationScheduled || keyRequestScheduled || releaseScheduled || !running.isEmpty()) {
      return false;
    }
    long nowMs = context.nowMs();
    for (IndexEntry entry : context.index.entries()) {
      switch (entry.state()) {
        case REQUESTED:
        case QUEUED:
        case DOWNLOADING:
          return false;
        case DOWNLOADED:
          if (canRequestKeysLocked(nowMs)) {
            return false;
          }
          break;
        default:
          break;
      }
    }
    return true;
  }

  private boolean submitControl(Runnable job) {
    try {
      control.execute(job);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void startTaskLocked(IndexEntry entry) {
    String trackId = entry.trackId();
    DownloadTask task =
        new DownloadTask(context, entry.grant(), bytes -> onProgress(trackId, bytes));
    try {
      context.index.setState(trackId, DownloadState.DOWNLOADING, null);
      workers.execute(() -> runTask(task));
    } catch (IOException | RejectedExecutionException e) {
      log.debug("Cannot start the download of {}: {}", trackId, e.toString());
      return;
    }
    running.put(trackId, task);
    emitChanged(entry);
  }

  private void onProgress(String trackId, long verifiedBytes) {
    context.lock.lock();
    try {
      IndexEntry entry = context.index.entry(trackId);
      if (entry == null) {
        return;
      }
      entry.setDownloadedBytes(verifiedBytes);
      Download download = context.snapshot(entry);
      context.events.dispatch(
          () -> {
            for (DownloadListener listener : listeners) {
              listener.onDownloadProgress(download);
            }
          });
    } finally {
      context.lock.unlock();
    }
  }

  private void runTask(DownloadTask task) {
    String trackId = task.trackId();
    DownloadTask.Outcome outcome = null;
    OfflineException failure = null;
    try {
      outcome = task.run();
    } catch (OfflineException e) {
      failure = e;
    } catch (RuntimeException e) {
      log.error("Download of {} failed unexpectedly", trackId, e);
      failure =
          new OfflineException(
              OfflineException.Reason.IO_ERROR, "Download of " + trackId + " failed: " + e, e);
    }
    context.lock.lock();
    try {
      running.remove(trackId);
      boolean pause = pauseRequested.remove(trackId);
      IndexEntry entry = context.index.entry(trackId);
      if (entry == null) {
        // Removed while running; the task may have recreated its partial file.
        context.deleteTrackFiles(trackId);
      } else if (entry.state() == DownloadState.DOWNLOADING) {
        if (failure != null) {
          log.warn("Download of {} failed: {}", trackId, failure.getMessage());
          failLocked(entry, failure.reason(), failure.getMessage());
          if (failure.reason() == OfflineException.Reason.STORAGE_FULL) {
            context.deleteTrackFiles(trackId);
            entry.setDownloadedBytes(0);
          }
          context.index.addPendingRelease(trackId);
        } else if (outcome == DownloadTask.Outcome.COMPLETE) {
          entry.setDownloadedBytes(entry.grant().sizeBytes());
          context.index.setState(trackId, DownloadState.DOWNLOADED, null);
          emitChanged(entry);
        } else if (!context.isClosed()) {
          context.index.setState(
              trackId, pause ? DownloadState.PAUSED : DownloadState.QUEUED, null);
          emitChanged(entry);
        }
      }
      scheduleLocked();
    } catch (IOException e) {
      log.error("Cannot record the end of the download of {} in the index", trackId, e);
    } finally {
      context.lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Authorisation

  private void runAuthorisations() {
    try {
      flushReleases();
      while (!context.isClosed()) {
        List<String> batch = new ArrayList<>();
        context.lock.lock();
        try {
          for (IndexEntry entry : context.index.entries()) {
            if (entry.state() == DownloadState.REQUESTED) {
              batch.add(entry.trackId());
              if (batch.size() == MAX_BATCH_TRACKS) {
                break;
              }
            }
          }
        } finally {
          context.lock.unlock();
        }
        if (batch.isEmpty()) {
          return;
        }
        authoriseAndAdmit(batch);
      }
    } catch (RuntimeException e) {
      log.error("Download authorisation failed unexpectedly", e);
    } finally {
      context.lock.lock();
      try {
        authorisationScheduled = false;
        scheduleLocked();
      } finally {
        context.lock.unlock();
      }
    }
  }

  /**
   * Authorises a batch and admits what the server granted. The server rejects a whole batch when
   * one track is unknown or the batch does not fit the track limit. The batch is then split in
   * halves, so tracks requested together with a rejected one still download.
   */
  private void authoriseAndAdmit(List<String> batch) {
    DownloadGrant grant;
    try {
      grant = authoriseWithRetries(batch);
    } catch (OfflineException rejection) {
      OfflineException.Reason reason = rejection.reason();
      boolean perTrack =
          reason == OfflineException.Reason.TRACK_LIMIT
              || reason == OfflineException.Reason.TRACK_NOT_FOUND;
      if (perTrack && batch.size() > 1) {
        int half = batch.size() / 2;
        authoriseAndAdmit(new ArrayList<>(batch.subList(0, half)));
        authoriseAndAdmit(new ArrayList<>(batch.subList(half, batch.size())));
        return;
      }
      log.info("Authorisation of {} tracks rejected: {}", batch.size(), reason);
      failRequested(batch, reason, rejection.getMessage());
      if (reason == OfflineException.Reason.PREMIUM_REQUIRED) {
        licences.lock(reason);
      }
      return;
    }
    if (grant != null) {
      admit(batch, grant);
    }
  }

  /**
   * Returns the grant, or null after a network failure on every attempt (the batch's tracks are
   * then FAILED) or on close.
   *
   * @throws OfflineException when the server rejects the batch
   */
  private DownloadGrant authoriseWithRetries(List<String> batch) throws OfflineException {
    List<IOException> failures = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        return context.client.authorise(batch);
      } catch (OfflineException e) {
        throw e;
      } catch (IOException e) {
        failures.add(e);
        if (attempt >= context.settings.maxAttempts) {
          log.warn("Authorisation of {} tracks failed {} times", batch.size(), attempt, e);
          failRequested(
              batch,
              OfflineException.Reason.NETWORK_ERROR,
              "The download could not be authorised: " + e.getMessage());
          return null;
        }
        if (!sleepBackoff(attempt)) {
          return null;
        }
      }
    }
  }

  private void failRequested(List<String> batch, OfflineException.Reason reason, String message) {
    context.lock.lock();
    try {
      for (String trackId : batch) {
        IndexEntry entry = context.index.entry(trackId);
        if (entry != null && entry.state() == DownloadState.REQUESTED) {
          failLocked(entry, reason, message);
        }
      }
    } catch (IOException e) {
      log.error("Cannot record rejected authorisations in the index", e);
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Checks each granted object and queues it, or fails it before any byte is written.
   *
   * <p>Admission is decided under the lock. Then, in groups of {@value #GRANT_GROUP_TRACKS},
   * manifests are written outside the lock and the group's grants recorded with one forced write.
   * Only this control thread admits, so the decisions stay valid meanwhile; tracks removed or
   * restarted in between are skipped when their group is recorded.
   */
  private void admit(List<String> batch, DownloadGrant grant) {
    Map<String, GrantedObject> objects = new HashMap<>();
    for (GrantedObject object : grant.objects()) {
      objects.put(object.trackId(), object);
    }
    List<Grant> admitted = new ArrayList<>();
    context.lock.lock();
    try {
      long admittedBytes = 0;
      for (String trackId : batch) {
        IndexEntry entry = context.index.entry(trackId);
        GrantedObject object = objects.get(trackId);
        if (entry == null) {
          if (object != null) {
            context.index.addPendingRelease(trackId);
          }
          continue;
        }
        if (!isWaitingForGrant(entry)) {
          continue;
        }
        if (object == null) {
          failLocked(
              entry,
              OfflineException.Reason.INVALID_GRANT,
              "The server's authorisation did not include track " + trackId + ".");
          continue;
        }
        try {
          Grant validated = Grant.validate(object);
          admitLocked(validated, admittedBytes);
          admitted.add(validated);
          admittedBytes += validated.sizeBytes();
        } catch (OfflineException e) {
          log.info("Download of {} rejected: {}", trackId, e.getMessage());
          failLocked(entry, e.reason(), e.getMessage());
          context.index.addPendingRelease(trackId);
        }
      }
    } catch (IOException e) {
      log.error("Cannot record download rejections in the index", e);
      return;
    } finally {
      context.lock.unlock();
    }

    for (int from = 0; from < admitted.size(); from += GRANT_GROUP_TRACKS) {
      List<Grant> group =
          admitted.subList(from, Math.min(admitted.size(), from + GRANT_GROUP_TRACKS));
      recordGrants(group, objects);
    }
  }

  /** Writes the manifests of admitted tracks, then records their grants in one forced write. */
  private void recordGrants(List<Grant> group, Map<String, GrantedObject> objects) {
    List<Grant> written = new ArrayList<>();
    for (Grant validated : group) {
      try {
        if (validated.hasManifest()) {
          String trackId = validated.trackId();
          Durable.writeAtomically(
              context.files.manifestFile(trackId), objects.get(trackId).manifest());
          context.checkpoints.onCheckpoint(Checkpoint.MANIFEST_WRITTEN, trackId);
        }
        written.add(validated);
      } catch (IOException e) {
        log.warn("Cannot write the manifest of {}", validated.trackId(), e);
        failWaiting(validated.trackId(), "Saving the track manifest failed: " + e.getMessage());
      }
    }

    context.lock.lock();
    try {
      List<Grant> toRecord = new ArrayList<>();
      for (Grant validated : written) {
        IndexEntry entry = context.index.entry(validated.trackId());
        if (entry != null && isWaitingForGrant(entry)) {
          toRecord.add(validated);
        } else {
          context.deleteTrackFiles(validated.trackId());
          if (entry == null) {
            context.index.addPendingRelease(validated.trackId());
          }
        }
      }
      context.index.grantAll(toRecord);
      for (Grant validated : toRecord) {
        emitChanged(context.index.entry(validated.trackId()));
      }
      scheduleLocked();
    } catch (IOException e) {
      log.error("Cannot record download authorisations in the index", e);
    } finally {
      context.lock.unlock();
    }
  }

  private static boolean isWaitingForGrant(IndexEntry entry) {
    boolean waiting =
        entry.state() == DownloadState.REQUESTED || entry.state() == DownloadState.PAUSED;
    return waiting && entry.grant() == null;
  }

  private void failWaiting(String trackId, String message) {
    context.lock.lock();
    try {
      IndexEntry entry = context.index.entry(trackId);
      if (entry != null && isWaitingForGrant(entry)) {
        failLocked(entry, OfflineException.Reason.IO_ERROR, message);
        context.index.addPendingRelease(trackId);
      }
    } catch (IOException e) {
      log.error("Cannot record the failure of {} in the index", trackId, e);
    } finally {
      context.lock.unlock();
    }
  }

  /**
   * Rejects an object that does not fit the quota or the free disk space, counting {@code
   * admittedBytes} of this batch that are admitted but not yet recorded.
   */
  private void admitLocked(Grant grant, long admittedBytes) throws OfflineException {
    long sizeBytes = grant.sizeBytes();
    long quotaBytes = quotaBytesLocked();
    long committedBytes = committedBytesLocked() + admittedBytes;
    if (committedBytes + sizeBytes > quotaBytes) {
      throw new OfflineException(
          OfflineException.Reason.QUOTA_EXCEEDED,
          "Track "
              + grant.trackId()
              + " needs "
              + StorageQuota.formatBytes(sizeBytes)
              + ", but only "
              + StorageQuota.formatBytes(Math.max(0, quotaBytes - committedBytes))
              + " of the "
              + StorageQuota.formatBytes(quotaBytes)
              + " download storage limit is left. Raise the limit or remove downloads.");
    }
    long pendingBytes = admittedBytes;
    for (IndexEntry entry : context.index.entries()) {
      pendingBytes += entry.pendingBytes();
    }
    long usableBytes;
    try {
      usableBytes = context.diskSpace.usableBytes(context.files.objectsDirectory());
    } catch (IOException e) {
      throw new OfflineException(
          OfflineException.Reason.IO_ERROR, "Checking free disk space failed: " + e, e);
    }
    long freeForDownloads = usableBytes - pendingBytes - context.settings.minFreeSpaceBytes;
    if (freeForDownloads < sizeBytes) {
      throw new OfflineException(
          OfflineException.Reason.STORAGE_FULL,
          "Track "
              + grant.trackId()
              + " needs "
              + StorageQuota.formatBytes(sizeBytes)
              + ", but the disk has only "
              + StorageQuota.formatBytes(Math.max(0, freeForDownloads))
              + " free for downloads. Free up space or remove downloads.");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  private void runKeyRequests() {
    try {
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
              if (batch.size() == MAX_BATCH_TRACKS) {
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
    } catch (RuntimeException e) {
      log.error("Key request failed unexpectedly", e);
    } finally {
      context.lock.lock();
      try {
        keyRequestScheduled = false;
        scheduleLocked();
      } finally {
        context.lock.unlock();
      }
    }
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
        if (attempt >= context.settings.maxAttempts || !sleepBackoff(attempt)) {
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
        failLocked(entry, rejection.reason(), rejection.getMessage());
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
      for (DeviceKey key : toStore) {
        context.keyStore.put(key);
        context.checkpoints.onCheckpoint(Checkpoint.KEY_STORED, key.trackId());
      }
      context.lock.lock();
      try {
        licences.applyTermsLocked(grant.terms());
        for (DeviceKey key : toStore) {
          IndexEntry entry = context.index.entry(key.trackId());
          if (entry == null) {
            context.removeKey(key.trackId());
          } else if (entry.state() == DownloadState.DOWNLOADED) {
            context.index.setState(key.trackId(), DownloadState.AVAILABLE, null);
            emitChanged(entry);
          }
        }
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

  // ---------------------------------------------------------------------------------------------
  // Releases and removal

  private void runReleases() {
    try {
      flushReleases();
    } catch (RuntimeException e) {
      log.error("Release failed unexpectedly", e);
    } finally {
      context.lock.lock();
      try {
        releaseScheduled = false;
        scheduleLocked();
      } finally {
        context.lock.unlock();
      }
    }
  }

  /** Removes the entry and its files; returns false when the track was not in the index. */
  private boolean removeLocked(String trackId, boolean release) throws IOException {
    IndexEntry entry = context.index.entry(trackId);
    if (entry == null) {
      return false;
    }
    boolean counted = entry.grant() != null;
    context.index.remove(trackId);
    if (release && counted) {
      context.index.addPendingRelease(trackId);
    }
    DownloadTask task = running.get(trackId);
    if (task != null) {
      task.requestStop();
    }
    pauseRequested.remove(trackId);
    context.deleteTrackFiles(trackId);
    context.events.dispatch(
        () -> {
          for (DownloadListener listener : listeners) {
            listener.onDownloadRemoved(trackId);
          }
        });
    return true;
  }

  /** Removes the key unless the track was requested again meanwhile. */
  private void removeKeyIfUnused(String trackId) throws IOException {
    context.keyLock.lock();
    try {
      context.lock.lock();
      try {
        IndexEntry entry = context.index.entry(trackId);
        if (entry != null
            && (entry.state() == DownloadState.DOWNLOADED
                || entry.state() == DownloadState.AVAILABLE)) {
          return;
        }
      } finally {
        context.lock.unlock();
      }
      context.removeKey(trackId);
    } finally {
      context.keyLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void failLocked(IndexEntry entry, OfflineException.Reason reason, String message)
      throws IOException {
    if (context.isClosed()) {
      // Failures caused by close itself (an aborted request, a stopped write) are not failures
      // of the download; the track resumes at the next open.
      return;
    }
    context.index.setState(entry.trackId(), DownloadState.FAILED, reason);
    entry.setFailureMessage(message);
    emitChanged(entry);
  }

  private void emitChanged(IndexEntry entry) {
    Download download = context.snapshot(entry);
    context.events.dispatch(
        () -> {
          for (DownloadListener listener : listeners) {
            listener.onDownloadChanged(download);
          }
        });
  }

  /**
   * Waits the backoff before retry {@code attempt} on the control thread; returns false when the
   * manager closed meanwhile. Only this wait is interrupted by close, never a file write.
   */
  private boolean sleepBackoff(int attempt) {
    long delayMs = context.downloadBackoff.delayMs(attempt);
    controlThreadInBackoff = Thread.currentThread();
    try {
      if (context.isClosed()) {
        return false;
      }
      context.sleeper.sleep(delayMs);
      return !context.isClosed();
    } catch (InterruptedException e) {
      if (!context.isClosed()) {
        Thread.currentThread().interrupt();
      }
      return false;
    } finally {
      controlThreadInBackoff = null;
      if (context.isClosed()) {
        Thread.interrupted();
      }
    }
  }

  private long quotaBytesLocked() {
    long quota = context.index.quotaBytes();
    return quota >= 0 ? quota : context.settings.defaultQuotaBytes;
  }

  private long committedBytesLocked() {
    long committed = 0;
    for (IndexEntry entry : context.index.entries()) {
      committed += entry.committedBytes();
    }
    return committed;
  }

  private List<String> trackIds() {
    context.lock.lock();
    try {
      return trackIdsLocked();
    } finally {
      context.lock.unlock();
    }
  }

  private List<String> trackIdsLocked() {
    List<String> ids = new ArrayList<>();
    for (IndexEntry entry : context.index.entries()) {
      ids.add(entry.trackId());
    }
    return ids;
  }

  private void requireOpen() throws OfflineException {
    if (context.isClosed()) {
      throw new OfflineException(OfflineException.Reason.CLOSED, "The offline manager is closed.");
    }
  }

  private static OfflineException indexFailure(IOException e) {
    return new OfflineException(
        OfflineException.Reason.IO_ERROR, "Writing the download index failed: " + e, e);
  }

  private static java.util.concurrent.ThreadFactory namedThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
