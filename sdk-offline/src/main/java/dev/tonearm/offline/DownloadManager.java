package dev.tonearm.offline;

import dev.tonearm.offline.internal.DownloadTask;
import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import dev.tonearm.offline.internal.TrackIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
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
  private Authoriser authoriser;
  private KeyRequester keyRequester;
  private final Releaser releaser;
  private volatile Thread controlThreadInBackoff;

  // Guarded by context.lock.
  private final Map<String, DownloadTask> running = new HashMap<>();
  private final Set<String> pauseRequested = new HashSet<>();
  private boolean authorisationScheduled;
  private boolean keyRequestScheduled;
  private boolean releaseScheduled;

  DownloadManager(OfflineContext context, List<DownloadListener> initialListeners) {
    this.context = context;
    this.listeners.addAll(initialListeners);
    this.workers =
        Executors.newFixedThreadPool(
            context.settings.maxParallelDownloads, namedThreads("tonearm-offline-download"));
    this.control = Executors.newSingleThreadExecutor(namedThreads("tonearm-offline-control"));
    this.releaser = new Releaser(context);
  }

  void setLicenceManager(LicenceManager licences) {
    this.licences = licences;
    this.authoriser = new Authoriser(context, this, licences);
    this.keyRequester = new KeyRequester(context, this, licences);
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
    Set<String> keyed = new LinkedHashSet<>(removed);
    keyed.addAll(context.keyStore.trackIds());
    removeKeysIfUnused(keyed);
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
    removeKeysIfUnused(removed);
  }

  /** Releases deleted tracks on the server now; see {@link Releaser#flush}. */
  void flushReleases() {
    releaser.flush();
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

  void scheduleLocked() {
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
    if (hasDownloaded && !keyRequestScheduled && keyRequester.canRequestKeysLocked(nowMs)) {
      keyRequestScheduled = submitControl(this::runKeyRequests);
    }
    if (!context.index.pendingReleases().isEmpty()
        && !releaseScheduled
        && !authorisationScheduled
        && releaser.canRetryLocked(nowMs)) {
      releaseScheduled = submitControl(this::runReleases);
    }
    context.changed.signalAll();
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
          if (keyRequester.canRequestKeysLocked(nowMs)) {
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
      } else if (entry.state() == DownloadState.DOWNLOADING && !context.isClosed()) {
        // While closing nothing is recorded; the next open resumes the track from its files.
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
        } else {
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
  // Control jobs

  private void runAuthorisations() {
    try {
      authoriser.run();
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

  private void runKeyRequests() {
    try {
      keyRequester.run();
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
    removeKeysIfUnused(Collections.singletonList(trackId));
  }

  /**
   * Removes the keys of the tracks in one batch, skipping tracks that were requested again
   * meanwhile and are DOWNLOADED or AVAILABLE.
   */
  private void removeKeysIfUnused(Collection<String> trackIds) throws IOException {
    context.keyLock.lock();
    try {
      List<String> unused = new ArrayList<>();
      context.lock.lock();
      try {
        for (String trackId : trackIds) {
          IndexEntry entry = context.index.entry(trackId);
          boolean used =
              entry != null
                  && (entry.state() == DownloadState.DOWNLOADED
                      || entry.state() == DownloadState.AVAILABLE);
          if (!used) {
            unused.add(trackId);
          }
        }
      } finally {
        context.lock.unlock();
      }
      context.removeKeys(unused);
    } finally {
      context.keyLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  void failLocked(IndexEntry entry, OfflineException.Reason reason, String message)
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

  void emitChanged(IndexEntry entry) {
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
  boolean sleepBackoff(int attempt) {
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

  long quotaBytesLocked() {
    long quota = context.index.quotaBytes();
    return quota >= 0 ? quota : context.settings.defaultQuotaBytes;
  }

  long committedBytesLocked() {
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
