package dev.tonearm.offline.internal;

import dev.tonearm.offline.Checkpoint;
import dev.tonearm.offline.DownloadTransport;
import dev.tonearm.offline.HttpStatusException;
import dev.tonearm.offline.OfflineException;
import dev.tonearm.offline.StorageQuota;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one authorised object into its partial file and renames it to its final name once every
 * chunk is verified.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Every chunk is read into memory and checked against its SHA-256 before it is written, so
 *       the partial file only ever contains verified chunks, plus at most a torn last write after a
 *       crash. On start, the partial file is re-hashed chunk by chunk and cut after the last chunk
 *       that matches; the download resumes there with a range request.
 *   <li>A network error, a retryable HTTP status (408, 429, 5xx), an early end of the body or a
 *       digest mismatch is retried on the next edge URL after a full-jitter backoff. The attempt
 *       count resets when an attempt wrote at least one chunk; after {@code maxAttempts}
 *       consecutive failures the download fails, with every failure attached as suppressed.
 *   <li>HTTP 416 means the partial file does not fit the object: it is discarded and counted as a
 *       failed attempt. Other HTTP errors fail at once.
 *   <li>Before each chunk is written, the disk must have room for the rest of the object, or the
 *       download fails with STORAGE_FULL.
 *   <li>When complete, the partial file is forced to disk, renamed atomically and the directory
 *       forced, so a file with the final name is always complete and verified.
 * </ul>
 *
 * <p>{@link #run} runs on one download thread; {@link #requestStop} may be called from any thread
 * and makes {@code run} return {@link Outcome#STOPPED} soon, keeping the partial file.
 */
public final class DownloadTask {
  private static final Logger log = LoggerFactory.getLogger(DownloadTask.class);
  private static final int SKIP_BUFFER_BYTES = 64 * 1024;

  /** Receives the verified byte count after each chunk, on the download thread. */
  public interface ProgressListener {
    void onProgress(long verifiedBytes);
  }

  /** Result of {@link #run} when it did not throw. */
  public enum Outcome {
    /** The object is complete, verified and under its final name. */
    COMPLETE,
    /** {@link #requestStop} was called; the partial file is kept. */
    STOPPED
  }

  private final OfflineContext context;
  private final Grant grant;
  private final ProgressListener progress;
  private final byte[] chunkBuffer;
  private final MessageDigest sha256 = Hex.sha256();

  private volatile boolean stopRequested;
  private volatile boolean inBackoff;
  private volatile Thread runner;
  private volatile DownloadTransport.Response currentResponse;
  private long verifiedBytes;

  public DownloadTask(OfflineContext context, Grant grant, ProgressListener progress) {
    this.context = context;
    this.grant = grant;
    this.progress = progress;
    this.chunkBuffer = new byte[(int) Math.min(grant.chunkSizeBytes(), grant.sizeBytes())];
  }

  public String trackId() {
    return grant.trackId();
  }

  /** Asks {@link #run} to stop: aborts the current response and wakes a backoff wait. */
  public void requestStop() {
    stopRequested = true;
    DownloadTransport.Response response = currentResponse;
    if (response != null) {
      response.cancel();
    }
    Thread thread = runner;
    if (inBackoff && thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Downloads the object.
   *
   * @throws OfflineException with NETWORK_ERROR, CHECKSUM_MISMATCH, HTTP_ERROR, STORAGE_FULL or
   *     IO_ERROR
   */
  public Outcome run() throws OfflineException {
    runner = Thread.currentThread();
    try {
      return download();
    } finally {
      runner = null;
    }
  }

  private Outcome download() throws OfflineException {
    String trackId = grant.trackId();
    Path part = context.files.partFile(trackId);
    Path object = context.files.objectFile(trackId);
    try {
      if (Files.exists(object)) {
        if (verifyCompleteFile(object)) {
          verifiedBytes = grant.sizeBytes();
          progress.onProgress(verifiedBytes);
          return Outcome.COMPLETE;
        }
        Durable.deleteIfExists(object);
      }
      verifiedBytes = verifyPartialFile(part);
    } catch (OfflineException e) {
      throw e;
    } catch (IOException e) {
      throw localFailure("Reading the partial download failed", e);
    }
    progress.onProgress(verifiedBytes);

    List<IOException> failures = new ArrayList<>();
    int failedAttempts = 0;
    int urlIndex = 0;
    while (verifiedBytes < grant.sizeBytes()) {
      if (stopRequested) {
        return Outcome.STOPPED;
      }
      requireDiskSpace(grant.sizeBytes() - verifiedBytes);
      String url = grant.urls().get(urlIndex % grant.urls().size());
      long before = verifiedBytes;
      try {
        cutPartialFile(part, verifiedBytes);
        transfer(url, part);
        if (stopRequested) {
          return Outcome.STOPPED;
        }
        if (verifiedBytes < grant.sizeBytes()) {
          throw new EOFException(
              "the body ended at byte " + verifiedBytes + " of " + grant.sizeBytes() + ": " + url);
        }
      } catch (OfflineException e) {
        throw e;
      } catch (IOException e) {
        if (stopRequested) {
          return Outcome.STOPPED;
        }
        if (e instanceof HttpStatusException) {
          HttpStatusException status = (HttpStatusException) e;
          if (status.statusCode() == 416) {
            verifiedBytes = 0;
          } else if (!status.isRetryable()) {
            throw new OfflineException(
                OfflineException.Reason.HTTP_ERROR,
                "Download of track " + trackId + " failed: " + e.getMessage(),
                e);
          }
        }
        failures.add(e);
        if (verifiedBytes > before) {
          failedAttempts = 0;
        }
        failedAttempts++;
        log.debug(
            "Attempt {} for track {} failed at byte {}: {}",
            failedAttempts,
            trackId,
            verifiedBytes,
            e.toString());
        if (failedAttempts >= context.settings.maxAttempts) {
          throw giveUp(failures, failedAttempts);
        }
        urlIndex++;
        if (!backoff(failedAttempts)) {
          return Outcome.STOPPED;
        }
      }
    }

    try {
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      context.checkpoints.onCheckpoint(Checkpoint.PART_FILE_SYNCED, trackId);
      Durable.moveAtomically(part, object);
      context.checkpoints.onCheckpoint(Checkpoint.FILE_RENAMED, trackId);
    } catch (IOException e) {
      throw localFailure("Saving the completed download failed", e);
    }
    return Outcome.COMPLETE;
  }

  /** Reads the body from the first unverified chunk and writes verified chunks. */
  private void transfer(String url, Path part) throws IOException {
    long offset = verifiedBytes;
    DownloadTransport.Response response = context.transport.open(url, offset);
    currentResponse = response;
    try (DownloadTransport.Response open = response;
        FileChannel channel =
            FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (stopRequested) {
        return;
      }
      long start = open.startOffsetBytes();
      if (start > offset) {
        throw new IOException(
            "the server resumed at byte " + start + ", requested " + offset + ": " + url);
      }
      InputStream body = open.body();
      skipFully(body, offset - start, url);
      int chunkIndex = (int) (offset / grant.chunkSizeBytes());
      long position = offset;
      while (position < grant.sizeBytes()) {
        if (stopRequested) {
          return;
        }
        int length = grant.chunkLength(chunkIndex);
        readFully(body, length, position, url);
        sha256.reset();
        sha256.update(chunkBuffer, 0, length);
        if (!MessageDigest.isEqual(sha256.digest(), grant.chunkSha256(chunkIndex))) {
          throw new ChecksumMismatchException(grant.trackId(), chunkIndex, url);
        }
        requireDiskSpace(grant.sizeBytes() - position);
        try {
          Durable.writeFully(channel, ByteBuffer.wrap(chunkBuffer, 0, length), position);
        } catch (IOException e) {
          throw localWriteFailure(e, grant.sizeBytes() - position);
        }
        position += length;
        chunkIndex++;
        verifiedBytes = position;
        progress.onProgress(position);
        context.checkpoints.onCheckpoint(Checkpoint.CHUNK_WRITTEN, grant.trackId());
      }
    } finally {
      currentResponse = null;
    }
  }

  private void readFully(InputStream body, int length, long position, String url)
      throws IOException {
    int read = 0;
    while (read < length) {
      int n = body.read(chunkBuffer, read, length - read);
      if (n < 0) {
        throw new EOFException(
            "the body ended at byte "
                + (position + read)
                + " of "
                + grant.sizeBytes()
                + ": "
                + url);
      }
      read += n;
    }
  }

  private static void skipFully(InputStream body, long count, String url) throws IOException {
    byte[] discard = new byte[(int) Math.min(SKIP_BUFFER_BYTES, Math.max(1, count))];
    long remaining = count;
    while (remaining > 0) {
      int n = body.read(discard, 0, (int) Math.min(discard.length, remaining));
      if (n < 0) {
        throw new EOFException("the body ended while skipping to the resume offset: " + url);
      }
      remaining -= n;
    }
  }

  /** Hashes the partial file chunk by chunk; cuts it after the last matching chunk. */
  private long verifyPartialFile(Path part) throws IOException {
    if (!Files.exists(part)) {
      return 0;
    }
    try (FileChannel channel =
        FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long good = 0;
      int index = 0;
      while (index < grant.chunkCount() && good + grant.chunkLength(index) <= size) {
        if (!chunkMatches(channel, good, index)) {
          break;
        }
        good += grant.chunkLength(index);
        index++;
      }
      if (size > good) {
        log.debug("Cutting partial file of {} from {} to {} bytes", grant.trackId(), size, good);
        channel.truncate(good);
      }
      return good;
    }
  }

  private boolean verifyCompleteFile(Path object) throws IOException {
    try (FileChannel channel = FileChannel.open(object, StandardOpenOption.READ)) {
      if (channel.size() != grant.sizeBytes()) {
        return false;
      }
      long position = 0;
      for (int index = 0; index < grant.chunkCount(); index++) {
        if (!chunkMatches(channel, position, index)) {
          return false;
        }
        position += grant.chunkLength(index);
      }
      return true;
    }
  }

  private boolean chunkMatches(FileChannel channel, long position, int index) throws IOException {
    int length = grant.chunkLength(index);
    ByteBuffer buffer = ByteBuffer.wrap(chunkBuffer, 0, length);
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    sha256.reset();
    sha256.update(chunkBuffer, 0, length);
    return MessageDigest.isEqual(sha256.digest(), grant.chunkSha256(index));
  }

  private static void cutPartialFile(Path part, long length) throws IOException {
    if (Files.exists(part) && Files.size(part) > length) {
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        channel.truncate(length);
      }
    }
  }

  private void requireDiskSpace(long remainingBytes) throws OfflineException {
    long usable;
    try {
      usable = context.diskSpace.usableBytes(context.files.objectsDirectory());
    } catch (IOException e) {
      throw localFailure("Checking free disk space failed", e);
    }
    if (usable < remainingBytes) {
      throw storageFull(usable, remainingBytes, null);
    }
  }

  private OfflineException localWriteFailure(IOException e, long remainingBytes) {
    try {
      long usable = context.diskSpace.usableBytes(context.files.objectsDirectory());
      if (usable < remainingBytes) {
        return storageFull(usable, remainingBytes, e);
      }
    } catch (IOException spaceFailure) {
      e.addSuppressed(spaceFailure);
    }
    return localFailure("Writing the download failed", e);
  }

  private OfflineException storageFull(long usableBytes, long neededBytes, IOException cause) {
    return new OfflineException(
        OfflineException.Reason.STORAGE_FULL,
        "Track "
            + grant.trackId()
            + " needs "
            + StorageQuota.formatBytes(neededBytes)
            + " more, but the disk has "
            + StorageQuota.formatBytes(usableBytes)
            + " free. Free up space or remove downloads.",
        cause);
  }

  private OfflineException localFailure(String what, IOException cause) {
    return new OfflineException(
        OfflineException.Reason.IO_ERROR,
        what + " for track " + grant.trackId() + ": " + cause.getMessage(),
        cause);
  }

  private OfflineException giveUp(List<IOException> failures, int attempts) {
    boolean allChecksums = true;
    for (IOException failure : failures) {
      allChecksums &= failure instanceof ChecksumMismatchException;
    }
    IOException last = failures.get(failures.size() - 1);
    OfflineException error =
        new OfflineException(
            allChecksums
                ? OfflineException.Reason.CHECKSUM_MISMATCH
                : OfflineException.Reason.NETWORK_ERROR,
            "Download of track "
                + grant.trackId()
                + " failed after "
                + attempts
                + " attempts: "
                + last.getMessage(),
            last);
    for (IOException failure : failures) {
      if (failure != last) {
        error.addSuppressed(failure);
      }
    }
    return error;
  }

  /** Waits the backoff before retry {@code attempt}; returns false when stopped meanwhile. */
  private boolean backoff(int attempt) {
    long delayMs = context.downloadBackoff.delayMs(attempt);
    inBackoff = true;
    try {
      if (stopRequested) {
        return false;
      }
      context.sleeper.sleep(delayMs);
      return !stopRequested;
    } catch (InterruptedException e) {
      if (stopRequested) {
        return false;
      }
      Thread.currentThread().interrupt();
      return false;
    } finally {
      inBackoff = false;
      if (stopRequested) {
        // Clear an interrupt from requestStop so it cannot close a file channel later.
        Thread.interrupted();
      }
    }
  }

  /** A chunk whose bytes did not match the authorised SHA-256. */
  static final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException(String trackId, int chunkIndex, String url) {
      super("chunk " + chunkIndex + " of track " + trackId + " failed its SHA-256 check: " + url);
    }
  }
}
