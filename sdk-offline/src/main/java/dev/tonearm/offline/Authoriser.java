package dev.tonearm.offline;

import dev.tonearm.offline.internal.Durable;
import dev.tonearm.offline.internal.Grant;
import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorisation and admission of requested downloads, for {@link DownloadManager}.
 *
 * <p>The server authorises batches of REQUESTED tracks. Each granted object must then fit the
 * user's quota and the free disk space before any byte is written. Admitted tracks become QUEUED,
 * and the others FAILED with the reason.
 *
 * <p>Runs on the download manager's control thread only, so admission decisions stay valid while
 * their manifests are written.
 */
final class Authoriser {
  private static final Logger log = LoggerFactory.getLogger(Authoriser.class);

  private final OfflineContext context;
  private final DownloadManager downloads;
  private final LicenceManager licences;

  Authoriser(OfflineContext context, DownloadManager downloads, LicenceManager licences) {
    this.context = context;
    this.downloads = downloads;
    this.licences = licences;
  }

  /** Authorises REQUESTED tracks batch by batch until none is left or the manager closes. */
  void run() {
    downloads.flushReleases();
    while (!context.isClosed()) {
      List<String> batch = new ArrayList<>();
      context.lock.lock();
      try {
        for (IndexEntry entry : context.index.entries()) {
          if (entry.state() == DownloadState.REQUESTED) {
            batch.add(entry.trackId());
            if (batch.size() == DownloadManager.MAX_BATCH_TRACKS) {
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
      } catch (IOException e) {
        if (e instanceof OfflineException && !((OfflineException) e).isTransient()) {
          throw (OfflineException) e;
        }
        failures.add(e);
        if (attempt >= context.settings.maxAttempts) {
          log.warn("Authorisation of {} tracks failed {} times", batch.size(), attempt, e);
          failRequested(
              batch,
              OfflineException.Reason.NETWORK_ERROR,
              "The download could not be authorised: " + e.getMessage());
          return null;
        }
        if (!downloads.sleepBackoff(attempt)) {
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
          downloads.failLocked(entry, reason, message);
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
   * <p>Admission is decided under the lock. Then, in groups of {@value
   * DownloadManager#GRANT_GROUP_TRACKS}, manifests are written outside the lock and the group's
   * grants recorded with one forced write. Only this control thread admits, so the decisions stay
   * valid meanwhile; tracks removed or restarted in between are skipped when their group is
   * recorded.
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
          downloads.failLocked(
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
          downloads.failLocked(entry, e.reason(), e.getMessage());
          context.index.addPendingRelease(trackId);
        }
      }
    } catch (IOException e) {
      log.error("Cannot record download rejections in the index", e);
      return;
    } finally {
      context.lock.unlock();
    }

    for (int from = 0; from < admitted.size(); from += DownloadManager.GRANT_GROUP_TRACKS) {
      List<Grant> group =
          admitted.subList(
              from, Math.min(admitted.size(), from + DownloadManager.GRANT_GROUP_TRACKS));
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
        downloads.emitChanged(context.index.entry(validated.trackId()));
      }
      downloads.scheduleLocked();
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
        downloads.failLocked(entry, OfflineException.Reason.IO_ERROR, message);
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
    long quotaBytes = downloads.quotaBytesLocked();
    long committedBytes = downloads.committedBytesLocked() + admittedBytes;
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
}
