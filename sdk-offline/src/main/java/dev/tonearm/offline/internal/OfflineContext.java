package dev.tonearm.offline.internal;

import dev.tonearm.offline.AuthorisationClient;
import dev.tonearm.offline.Checkpoint;
import dev.tonearm.offline.CheckpointObserver;
import dev.tonearm.offline.DeviceKey;
import dev.tonearm.offline.DiskSpace;
import dev.tonearm.offline.Download;
import dev.tonearm.offline.DownloadTransport;
import dev.tonearm.offline.LicencePhase;
import dev.tonearm.offline.LicenceStatus;
import dev.tonearm.offline.LicenceTerms;
import dev.tonearm.offline.OfflineKeyStore;
import dev.tonearm.offline.RetrySleeper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * State and collaborators shared by the download manager, the licence manager and the catalog.
 *
 * <p>{@link #lock} guards the index, its entries and the managers' scheduling fields. Network
 * calls, key store calls, file transfers and listener callbacks happen outside it. Short file
 * operations that must be atomic with an index change (renames, deletes) happen under it.
 */
public final class OfflineContext {
  public final Settings settings;
  public final ReentrantLock lock = new ReentrantLock();

  /** Signalled under {@link #lock} whenever scheduling state changes. */
  public final Condition changed = lock.newCondition();

  /**
   * Serialises key store changes with the index records that depend on them (AVAILABLE after a put,
   * removal after a wipe record), so a wipe cannot remove a key between its put and its AVAILABLE
   * record. Lock order: {@code keyLock} before {@link #lock}, never the reverse.
   */
  public final ReentrantLock keyLock = new ReentrantLock();

  public final DownloadIndex index;
  public final TrackFiles files;
  public final OfflineKeyStore keyStore;
  public final AuthorisationClient client;
  public final DownloadTransport transport;
  public final DiskSpace diskSpace;
  public final Clock clock;
  public final RetrySleeper sleeper;
  public final CheckpointObserver checkpoints;
  public final EventDispatcher events = new EventDispatcher();
  public final Backoff downloadBackoff;
  public final Backoff refreshBackoff;

  private volatile boolean closed;

  public OfflineContext(
      Settings settings,
      DownloadIndex index,
      TrackFiles files,
      OfflineKeyStore keyStore,
      AuthorisationClient client,
      DownloadTransport transport,
      DiskSpace diskSpace,
      Clock clock,
      RetrySleeper sleeper,
      CheckpointObserver checkpoints,
      java.util.Random random) {
    this.settings = settings;
    this.index = index;
    this.files = files;
    this.keyStore = keyStore;
    this.client = client;
    this.transport = transport;
    this.diskSpace = diskSpace;
    this.clock = clock;
    this.sleeper = sleeper;
    this.checkpoints = checkpoints;
    this.downloadBackoff = new Backoff(settings.backoffBaseMs, settings.backoffMaxMs, random);
    this.refreshBackoff =
        new Backoff(settings.refreshRetryBaseMs, settings.refreshRetryMaxMs, random);
  }

  public boolean isClosed() {
    return closed;
  }

  public void markClosed() {
    closed = true;
  }

  public long nowMs() {
    return clock.millis();
  }

  /** Returns the licence status at {@code nowMs}. Call under {@link #lock}. */
  public LicenceStatus licenceStatus(long nowMs) {
    LicenceTerms terms = index.licence();
    if (terms == null) {
      return new LicenceStatus(LicencePhase.NONE, 0, null, index.lockReason());
    }
    int day = LicencePhase.licenceDay(terms.expiresAtMs(), nowMs);
    return new LicenceStatus(LicencePhase.forDay(day), day, terms, index.lockReason());
  }

  /** Returns a snapshot of the entry for listeners. Call under {@link #lock}. */
  public Download snapshot(IndexEntry entry) {
    Grant grant = entry.grant();
    return new Download(
        entry.trackId(),
        entry.state(),
        entry.downloadedBytes(),
        grant == null ? -1 : grant.sizeBytes(),
        entry.failureReason(),
        entry.failureMessage());
  }

  /** Deletes the track's partial, complete and manifest files, reporting each deletion. */
  public void deleteTrackFiles(String trackId) throws IOException {
    for (Path file : files.existingFiles(trackId)) {
      if (Durable.deleteIfExists(file)) {
        checkpoints.onCheckpoint(Checkpoint.FILE_DELETED, trackId);
      }
    }
  }

  /** Removes the track's key, reporting the removal. */
  public void removeKey(String trackId) throws IOException {
    keyStore.remove(trackId);
    checkpoints.onCheckpoint(Checkpoint.KEY_REMOVED, trackId);
  }

  /**
   * Removes the tracks' keys with one {@link OfflineKeyStore#removeAll} call, then reports one
   * removal per track.
   */
  public void removeKeys(Collection<String> trackIds) throws IOException {
    if (trackIds.isEmpty()) {
      return;
    }
    keyStore.removeAll(trackIds);
    for (String trackId : trackIds) {
      checkpoints.onCheckpoint(Checkpoint.KEY_REMOVED, trackId);
    }
  }

  /**
   * Stores the keys with one {@link OfflineKeyStore#putAll} call, then reports one {@link
   * Checkpoint#KEY_STORED} per key. Call under {@link #keyLock}, and record a track as AVAILABLE
   * only after this returns.
   */
  public void storeKeys(Collection<DeviceKey> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    keyStore.putAll(keys);
    for (DeviceKey key : keys) {
      checkpoints.onCheckpoint(Checkpoint.KEY_STORED, key.trackId());
    }
  }

  /** Immutable settings from the builder. */
  public static final class Settings {
    public final Path root;
    public final long defaultQuotaBytes;
    public final int maxParallelDownloads;
    public final int maxAttempts;
    public final long backoffBaseMs;
    public final long backoffMaxMs;
    public final long refreshLeadMs;
    public final long refreshRetryBaseMs;
    public final long refreshRetryMaxMs;
    public final long minFreeSpaceBytes;
    public final long tickIntervalMs;

    public Settings(
        Path root,
        long defaultQuotaBytes,
        int maxParallelDownloads,
        int maxAttempts,
        long backoffBaseMs,
        long backoffMaxMs,
        long refreshLeadMs,
        long refreshRetryBaseMs,
        long refreshRetryMaxMs,
        long minFreeSpaceBytes,
        long tickIntervalMs) {
      this.root = root;
      this.defaultQuotaBytes = defaultQuotaBytes;
      this.maxParallelDownloads = maxParallelDownloads;
      this.maxAttempts = maxAttempts;
      this.backoffBaseMs = backoffBaseMs;
      this.backoffMaxMs = backoffMaxMs;
      this.refreshLeadMs = refreshLeadMs;
      this.refreshRetryBaseMs = refreshRetryBaseMs;
      this.refreshRetryMaxMs = refreshRetryMaxMs;
      this.minFreeSpaceBytes = minFreeSpaceBytes;
      this.tickIntervalMs = tickIntervalMs;
    }
  }
}
