package dev.tonearm.offline;

import dev.tonearm.offline.internal.Grant;
import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.OfflineContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The {@link OfflineCatalog} over the download index. Thread-safe. */
final class IndexCatalog implements OfflineCatalog {
  private final OfflineContext context;

  IndexCatalog(OfflineContext context) {
    this.context = context;
  }

  @Override
  public boolean isAvailable(String trackId) {
    context.lock.lock();
    try {
      return playabilityProblemLocked(trackId) == null;
    } finally {
      context.lock.unlock();
    }
  }

  @Override
  public List<String> availableTrackIds() {
    context.lock.lock();
    try {
      List<String> available = new ArrayList<>();
      for (IndexEntry entry : context.index.entries()) {
        if (playabilityProblemLocked(entry.trackId()) == null) {
          available.add(entry.trackId());
        }
      }
      return available;
    } finally {
      context.lock.unlock();
    }
  }

  @Override
  public OfflineTrack getTrack(String trackId) throws OfflineException {
    Grant grant = requirePlayable(trackId);
    return new OfflineTrack(
        trackId,
        grant.renditionId(),
        grant.keyId(),
        grant.sizeBytes(),
        grant.chunkSizeBytes(),
        grant.chunkSha256Hex());
  }

  @Override
  public SeekableByteChannel openEncryptedObject(String trackId) throws IOException {
    requirePlayable(trackId);
    try {
      return FileChannel.open(context.files.objectFile(trackId), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw notDownloaded(trackId, e);
    }
  }

  @Override
  public DeviceKey getKey(String trackId) throws IOException {
    requirePlayable(trackId);
    DeviceKey key = context.keyStore.get(trackId);
    if (key == null) {
      throw notDownloaded(trackId, null);
    }
    return key;
  }

  @Override
  public byte[] getManifest(String trackId) throws IOException {
    Grant grant = requirePlayable(trackId);
    if (!grant.hasManifest()) {
      return null;
    }
    try {
      return Files.readAllBytes(context.files.manifestFile(trackId));
    } catch (NoSuchFileException e) {
      throw notDownloaded(trackId, e);
    }
  }

  private Grant requirePlayable(String trackId) throws OfflineException {
    context.lock.lock();
    try {
      OfflineException problem = playabilityProblemLocked(trackId);
      if (problem != null) {
        throw problem;
      }
      return context.index.entry(trackId).grant();
    } finally {
      context.lock.unlock();
    }
  }

  private OfflineException playabilityProblemLocked(String trackId) {
    IndexEntry entry = context.index.entry(trackId);
    if (entry == null || entry.state() != DownloadState.AVAILABLE) {
      return notDownloaded(trackId, null);
    }
    if (context.index.lockReason() != null) {
      return new OfflineException(
          OfflineException.Reason.SUBSCRIPTION_LOCKED,
          "Downloads are locked until your subscription is confirmed. Go online to unlock them.");
    }
    LicenceStatus status = context.licenceStatus(context.nowMs());
    if (!status.phase().allowsPlayback()) {
      return new OfflineException(
          OfflineException.Reason.LICENCE_EXPIRED,
          "Your downloads expired because this device was offline for too long. Go online to"
              + " renew them.");
    }
    return null;
  }

  private static OfflineException notDownloaded(String trackId, Throwable cause) {
    return new OfflineException(
        OfflineException.Reason.NOT_DOWNLOADED, "Track " + trackId + " is not downloaded.", cause);
  }
}
