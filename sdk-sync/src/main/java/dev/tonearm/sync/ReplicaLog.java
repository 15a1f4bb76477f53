package dev.tonearm.sync;

import java.util.Arrays;

/**
 * The applied operations of one replica, indexed by counter.
 *
 * <p>Because a replica's counters have no gaps and operations are applied in counter order, a dense
 * array replaces a hash map from operation id to record: lookup is one array read and the cost per
 * operation is one reference.
 */
final class ReplicaLog {
  private static final int INITIAL_CAPACITY = 8;

  final ReplicaId id;
  private OpRecord[] records = new OpRecord[INITIAL_CAPACITY];
  private int size;

  ReplicaLog(ReplicaId id) {
    this.id = id;
  }

  /** Returns the number of operations applied, which is also the last applied counter. */
  int size() {
    return size;
  }

  /** Returns the record with {@code counter}, or null if it has not been applied. */
  OpRecord get(long counter) {
    return counter >= 1 && counter <= size ? records[(int) counter - 1] : null;
  }

  /** Appends the record whose counter must be {@code size() + 1}. */
  void append(OpRecord record) {
    if (record.counter != size + 1) {
      throw new IllegalStateException(
          "replica " + id + " expects counter " + (size + 1) + ", got " + record.counter);
    }
    if (size == records.length) {
      records = Arrays.copyOf(records, size + (size >> 1) + 1);
    }
    records[size++] = record;
  }

  /** Returns the Lamport timestamp of the last applied operation, 0 when there is none. */
  long lastLamport() {
    return size == 0 ? 0 : records[size - 1].lamport;
  }
}
