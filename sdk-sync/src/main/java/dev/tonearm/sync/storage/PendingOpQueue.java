package dev.tonearm.sync.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.OpJson;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Crash-safe queue of the local operations of one playlist that the server has not acknowledged.
 *
 * <p>Stored in a {@link RecordLog}: each record is a type byte and JSON, either {@code 'O'} with
 * one operation or {@code 'A'} with {@code {"through":n}}, which acknowledges every queued
 * operation with counter up to n. An append returns only after its record is written, so every
 * operation whose append returned is recovered after a kill. A torn last record is dropped. When
 * the acknowledged records outnumber the pending ones (and at least {@value
 * #MIN_COMPACTION_RECORDS} records exist), the file is rewritten atomically with the pending
 * operations only.
 *
 * <p>Operations must be appended in counter order of one replica. Not thread-safe: callers
 * serialize access.
 */
public final class PendingOpQueue implements Closeable {
  /** Smallest record count at which acknowledged records are compacted away. */
  public static final int MIN_COMPACTION_RECORDS = 64;

  private static final byte OP_RECORD = 'O';
  private static final byte ACK_RECORD = 'A';
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordLog log;
  private final Deque<Op> pending = new ArrayDeque<>();

  private PendingOpQueue(RecordLog log) {
    this.log = log;
  }

  /**
   * Opens or creates the queue at {@code file} and recovers its pending operations.
   *
   * @throws SyncException {@code CORRUPT_STORAGE} if a complete record cannot be decoded, {@code
   *     STORAGE_FAILED} on an I/O error
   */
  public static PendingOpQueue open(Path file, RecordLog.FsyncPolicy fsyncPolicy)
      throws SyncException {
    RecordLog log = RecordLog.open(file, fsyncPolicy, RecordLog.DEFAULT_MAX_RECORD_BYTES);
    PendingOpQueue queue = new PendingOpQueue(log);
    try {
      for (byte[] record : log.recoveredRecords()) {
        queue.replay(record);
      }
    } catch (SyncException e) {
      closeQuietly(log);
      throw new SyncException(
          SyncException.Reason.CORRUPT_STORAGE,
          "queue " + file + " has a complete record that cannot be decoded",
          e);
    }
    return queue;
  }

  /** Appends {@code op}; it is recovered by {@link #open} after this returns. */
  public void append(Op op) throws SyncException {
    appendAll(Collections.singletonList(op));
  }

  /** Appends operations with one write. */
  public void appendAll(List<? extends Op> ops) throws SyncException {
    if (ops.isEmpty()) {
      return;
    }
    List<byte[]> records = new ArrayList<>(ops.size());
    long previous = pending.isEmpty() ? 0 : pending.peekLast().id().counter();
    for (Op op : ops) {
      if (op.id().counter() <= previous) {
        throw new IllegalArgumentException(
            "operations must be appended in counter order: " + op.id() + " after " + previous);
      }
      previous = op.id().counter();
      records.add(record(OP_RECORD, OpJson.encode(op).toString()));
    }
    log.appendAll(records);
    pending.addAll(ops);
  }

  /** Drops every pending operation with counter at most {@code counter}. */
  public void acknowledgeThrough(long counter) throws SyncException {
    if (pending.isEmpty() || pending.peekFirst().id().counter() > counter) {
      return;
    }
    log.append(record(ACK_RECORD, "{\"through\":" + counter + "}"));
    trim(counter);
    int records = log.recordCount();
    if (records >= MIN_COMPACTION_RECORDS && records > 2 * pending.size()) {
      compact();
    }
  }

  /** Drops every pending operation. */
  public void clear() throws SyncException {
    pending.clear();
    log.rewrite(Collections.<byte[]>emptyList());
  }

  /** Returns the pending operations in append order. */
  public List<Op> pending() {
    return Collections.unmodifiableList(new ArrayList<>(pending));
  }

  public int size() {
    return pending.size();
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Returns how many bytes of torn tail were dropped when the queue was opened. */
  public long droppedBytesAtOpen() {
    return log.droppedBytesAtOpen();
  }

  @Override
  public void close() throws IOException {
    log.close();
  }

  private void compact() throws SyncException {
    List<byte[]> records = new ArrayList<>(pending.size());
    for (Op op : pending) {
      records.add(record(OP_RECORD, OpJson.encode(op).toString()));
    }
    log.rewrite(records);
  }

  private void replay(byte[] record) throws SyncException {
    String json = new String(record, 1, record.length - 1, StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new SyncException(SyncException.Reason.PROTOCOL_ERROR, "invalid JSON: " + e, e);
    }
    if (record[0] == OP_RECORD) {
      pending.addLast(OpJson.decode(node));
    } else if (record[0] == ACK_RECORD && node.path("through").canConvertToLong()) {
      trim(node.get("through").asLong());
    } else {
      throw new SyncException(
          SyncException.Reason.PROTOCOL_ERROR, "unknown record type " + record[0]);
    }
  }

  private void trim(long counter) {
    while (!pending.isEmpty() && pending.peekFirst().id().counter() <= counter) {
      pending.removeFirst();
    }
  }

  private static byte[] record(byte type, String json) {
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    byte[] record = new byte[text.length + 1];
    record[0] = type;
    System.arraycopy(text, 0, record, 1, text.length);
    return record;
  }

  private static void closeQuietly(RecordLog log) {
    try {
      log.close();
    } catch (IOException e) {
      // The queue failed to open already; that error is the one reported.
    }
  }
}
