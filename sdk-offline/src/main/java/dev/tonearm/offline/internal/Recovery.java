package dev.tonearm.offline.internal;

import dev.tonearm.offline.Checkpoint;
import dev.tonearm.offline.DeviceKey;
import dev.tonearm.offline.DownloadState;
import dev.tonearm.offline.LicencePhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the replayed index with the files and keys on disk when the offline manager opens.
 *
 * <p>The journal order guarantees that an AVAILABLE record follows a durable, verified file and a
 * stored key. A crash can still leave effects without their record, or a record whose effects were
 * undone outside the SDK (files deleted by the user, a cleared key store). Per state:
 *
 * <ul>
 *   <li>REQUESTED, QUEUED, PAUSED: kept. A partial file stays for resumption. A complete file left
 *       by a crash between its rename and the DOWNLOADED record is verified again by the next
 *       download attempt. A manifest file that should exist but does not sends the track back to
 *       REQUESTED, so the server sends it again.
 *   <li>DOWNLOADED: a missing or short file sends the track back to REQUESTED. A key stored by a
 *       crash between the key store and the AVAILABLE record makes the track AVAILABLE, unless the
 *       licence has expired, in which case the key is deleted.
 *   <li>AVAILABLE: a missing or short file deletes the key and sends the track back to REQUESTED. A
 *       missing key makes it DOWNLOADED, waiting for a key request or refresh.
 *   <li>FAILED: its files are deleted.
 * </ul>
 *
 * <p>Files in the objects folder that belong to no track, and keys of tracks that are not
 * DOWNLOADED or AVAILABLE, are deleted. Runs once, before any other thread uses the context.
 */
public final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {}

  /** Reconciles the index with the files and keys on disk, as the class description lists. */
  public static void run(OfflineContext context) throws IOException {
    DownloadIndex index = context.index;
    TrackFiles files = context.files;
    long nowMs = context.nowMs();
    boolean expired = context.licenceStatus(nowMs).phase() == LicencePhase.EXPIRED;
    Set<String> keyed = new HashSet<>(context.keyStore.trackIds());
    int repaired = 0;

    for (IndexEntry entry : new ArrayList<>(index.entries())) {
      String trackId = entry.trackId();
      Grant grant = entry.grant();
      switch (entry.state()) {
        case REQUESTED:
          break;
        case QUEUED:
        case PAUSED:
          if (grant.hasManifest() && !Files.exists(files.manifestFile(trackId))) {
            context.deleteTrackFiles(trackId);
            index.request(trackId, nowMs);
            repaired++;
          } else {
            entry.setDownloadedBytes(sizeOrZero(files.partFile(trackId)));
          }
          break;
        case DOWNLOADED:
          if (!hasCompleteFiles(files, grant)) {
            context.deleteTrackFiles(trackId);
            index.request(trackId, nowMs);
            repaired++;
          } else if (keyed.contains(trackId)) {
            DeviceKey key = context.keyStore.get(trackId);
            if (!expired && key != null && key.keyId().equals(grant.keyId())) {
              index.setState(trackId, DownloadState.AVAILABLE, null);
            } else {
              context.removeKey(trackId);
            }
            entry.setDownloadedBytes(grant.sizeBytes());
            repaired++;
          } else {
            entry.setDownloadedBytes(grant.sizeBytes());
          }
          break;
        case AVAILABLE:
          if (!hasCompleteFiles(files, grant)) {
            context.removeKey(trackId);
            context.deleteTrackFiles(trackId);
            index.request(trackId, nowMs);
            repaired++;
          } else if (!keyed.contains(trackId)) {
            index.setState(trackId, DownloadState.DOWNLOADED, null);
            entry.setDownloadedBytes(grant.sizeBytes());
            repaired++;
          } else {
            entry.setDownloadedBytes(grant.sizeBytes());
          }
          break;
        case FAILED:
          context.deleteTrackFiles(trackId);
          break;
        default:
          break;
      }
    }

    repaired += deleteStrayFiles(context);
    repaired += deleteStrayKeys(context);
    if (repaired > 0) {
      log.info("Download index recovery repaired {} entries, files or keys", repaired);
    }
  }

  private static boolean hasCompleteFiles(TrackFiles files, Grant grant) throws IOException {
    Path object = files.objectFile(grant.trackId());
    if (!Files.exists(object) || Files.size(object) != grant.sizeBytes()) {
      return false;
    }
    return !grant.hasManifest() || Files.exists(files.manifestFile(grant.trackId()));
  }

  private static long sizeOrZero(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static int deleteStrayFiles(OfflineContext context) throws IOException {
    Set<String> stems = new HashSet<>();
    for (IndexEntry entry : context.index.entries()) {
      stems.add(TrackFiles.stem(entry.trackId()));
    }
    int deleted = 0;
    for (Path file : context.files.listObjectFolder()) {
      String name = file.getFileName().toString();
      int dot = name.indexOf('.');
      String stem = dot < 0 ? name : name.substring(0, dot);
      if (!stems.contains(stem) || name.endsWith(".tmp")) {
        if (Durable.deleteIfExists(file)) {
          context.checkpoints.onCheckpoint(Checkpoint.FILE_DELETED, null);
          deleted++;
        }
      }
    }
    return deleted;
  }

  private static int deleteStrayKeys(OfflineContext context) throws IOException {
    List<String> stray = new ArrayList<>();
    for (String trackId : context.keyStore.trackIds()) {
      IndexEntry entry = context.index.entry(trackId);
      boolean kept =
          entry != null
              && (entry.state() == DownloadState.DOWNLOADED
                  || entry.state() == DownloadState.AVAILABLE);
      if (!kept) {
        stray.add(trackId);
      }
    }
    context.removeKeys(stray);
    return stray.size();
  }
}
