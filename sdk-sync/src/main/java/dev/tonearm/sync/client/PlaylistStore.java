package dev.tonearm.sync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.storage.PendingOpQueue;
import dev.tonearm.sync.storage.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Local storage of one playlist on the client: two crash-safe files in the storage directory.
 *
 * <ul>
 *   <li>{@code <id>.state}: a {@link RecordLog} of operation batches the server has confirmed
 *       (snapshots, deltas, updates, and own operations once acknowledged), compacted into one
 *       batch from time to time.
 *   <li>{@code <id>.queue}: the {@link PendingOpQueue} of own operations not yet acknowledged.
 * </ul>
 *
 * <p>Own operations move from the queue to the state log on acknowledgement: they are appended to
 * the state log first and trimmed from the queue after, so a crash in between leaves a duplicate,
 * which the CRDT ignores, and never a gap. Loading both files restores the replica, pending edits
 * included, without the server.
 *
 * <p>Not thread-safe: {@link SyncClient} calls it under its lock.
 */
final class PlaylistStore implements Closeable {
  /** State log records after which the state log is rewritten as one snapshot. */
  static final int COMPACTION_RECORDS = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordLog stateLog;
  private final PendingOpQueue queue;

  private PlaylistStore(RecordLog stateLog, PendingOpQueue queue) {
    this.stateLog = stateLog;
    this.queue = queue;
  }

  static PlaylistStore open(Path directory, String playlistId, RecordLog.FsyncPolicy policy)
      throws SyncException {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new SyncException(
          SyncException.Reason.STORAGE_FAILED, "failed to create " + directory + ": " + e, e);
    }
    RecordLog stateLog =
        RecordLog.open(
            directory.resolve(playlistId + ".state"), policy, RecordLog.DEFAULT_MAX_RECORD_BYTES);
    try {
      return new PlaylistStore(
          stateLog, PendingOpQueue.open(directory.resolve(playlistId + ".queue"), policy));
    } catch (SyncException e) {
      closeQuietly(stateLog);
      throw e;
    }
  }

  /** Returns the confirmed operations read from the state log. */
  List<Op> confirmedOps() throws SyncException {
    List<Op> ops = new ArrayList<>();
    for (byte[] record : stateLog.recoveredRecords()) {
      JsonNode node;
      try {
        node = JSON.readTree(record);
      } catch (IOException e) {
        throw new SyncException(
            SyncException.Reason.CORRUPT_STORAGE, "state log record is not JSON: " + e, e);
      }
      ops.addAll(OpJson.decodeAll(node, Integer.MAX_VALUE));
    }
    return ops;
  }

  /** Returns the own operations waiting for acknowledgement. */
  List<Op> pendingOps() {
    return queue.pending();
  }

  void appendLocal(Op op) throws SyncException {
    queue.append(op);
  }

  void recordConfirmed(List<Op> ops) throws SyncException {
    if (!ops.isEmpty()) {
      stateLog.append(OpJson.encodeAll(ops).toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Moves own operations up to {@code counter} from the queue to the state log. */
  void acknowledge(List<Op> acknowledged, long counter) throws SyncException {
    recordConfirmed(acknowledged);
    queue.acknowledgeThrough(counter);
  }

  /**
   * Replaces the state log with {@code confirmed}, for a snapshot or a compaction. The caller must
   * leave out own operations that are not acknowledged, or they would count as confirmed after a
   * restart and never be sent.
   */
  void replaceConfirmed(List<Op> confirmed) throws SyncException {
    List<byte[]> records =
        confirmed.isEmpty()
            ? Collections.<byte[]>emptyList()
            : Collections.singletonList(
                OpJson.encodeAll(confirmed).toString().getBytes(StandardCharsets.UTF_8));
    stateLog.rewrite(records);
  }

  boolean needsCompaction() {
    return stateLog.recordCount() > COMPACTION_RECORDS;
  }

  /** Drops every pending own operation. */
  void clearPending() throws SyncException {
    queue.clear();
  }

  @Override
  public void close() throws IOException {
    try {
      queue.close();
    } finally {
      stateLog.close();
    }
  }

  private static void closeQuietly(RecordLog log) {
    try {
      log.close();
    } catch (IOException e) {
      // Opening failed already; that error is the one reported.
    }
  }
}
