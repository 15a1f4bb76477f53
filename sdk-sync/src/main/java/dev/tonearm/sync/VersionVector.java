package dev.tonearm.sync;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Map from replica to the number of that replica's operations seen, one counter per replica.
 *
 * <p>Because a replica's operations are numbered without gaps, a counter {@code n} means
 * "operations 1 to n of this replica". A vector {@link #covers covers} an operation id when its
 * counter for the id's replica is at least the id's counter. Replicas with counter 0 are not
 * stored, so equal vectors have equal entries.
 *
 * <p>Instances are immutable; entries are kept sorted by {@link ReplicaId}.
 */
public final class VersionVector {
  /** The vector that covers no operation. */
  public static final VersionVector EMPTY = new VersionVector(new ReplicaId[0], new long[0]);

  private final ReplicaId[] replicas;
  private final long[] counters;

  private VersionVector(ReplicaId[] replicas, long[] counters) {
    this.replicas = replicas;
    this.counters = counters;
  }

  /**
   * Returns a vector with the given counters; entries with counter 0 are dropped.
   *
   * @throws IllegalArgumentException if a counter is negative or above {@link OpId#MAX_COUNTER}
   */
  public static VersionVector of(Map<ReplicaId, Long> counters) {
    TreeMap<ReplicaId, Long> sorted = new TreeMap<>();
    for (Map.Entry<ReplicaId, Long> entry : counters.entrySet()) {
      long counter = entry.getValue();
      checkCounter(entry.getKey(), counter);
      if (counter > 0) {
        sorted.put(Objects.requireNonNull(entry.getKey(), "replica"), counter);
      }
    }
    ReplicaId[] replicas = new ReplicaId[sorted.size()];
    long[] values = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<ReplicaId, Long> entry : sorted.entrySet()) {
      replicas[i] = entry.getKey();
      values[i] = entry.getValue();
      i++;
    }
    return new VersionVector(replicas, values);
  }

  /** Returns the counter of {@code replica}, 0 when the vector has no entry for it. */
  public long get(ReplicaId replica) {
    int index = Arrays.binarySearch(replicas, replica);
    return index >= 0 ? counters[index] : 0;
  }

  /** Returns whether the operation {@code id} is among the operations this vector counts. */
  public boolean covers(OpId id) {
    return get(id.replica()) >= id.counter();
  }

  /** Returns whether every counter of this vector is at least the matching one of {@code other}. */
  public boolean dominates(VersionVector other) {
    for (int i = 0; i < other.replicas.length; i++) {
      if (get(other.replicas[i]) < other.counters[i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns the entry-wise maximum of this vector and {@code other}. */
  public VersionVector mergedWith(VersionVector other) {
    TreeMap<ReplicaId, Long> merged = new TreeMap<>(toMap());
    for (int i = 0; i < other.replicas.length; i++) {
      merged.merge(other.replicas[i], other.counters[i], Math::max);
    }
    return of(merged);
  }

  /** Returns a copy with the counter of {@code replica} set to {@code counter}. */
  public VersionVector with(ReplicaId replica, long counter) {
    TreeMap<ReplicaId, Long> changed = new TreeMap<>(toMap());
    changed.put(replica, counter);
    return of(changed);
  }

  /** Returns the sum of all counters, the number of operations the vector covers. */
  public long totalCount() {
    long sum = 0;
    for (long counter : counters) {
      sum += counter;
    }
    return sum;
  }

  public boolean isEmpty() {
    return replicas.length == 0;
  }

  /** Returns the number of replicas with a non-zero counter. */
  public int size() {
    return replicas.length;
  }

  /** Returns the replica of entry {@code index}, in ascending replica order. */
  public ReplicaId replicaAt(int index) {
    return replicas[index];
  }

  /** Returns the counter of entry {@code index}, in ascending replica order. */
  public long counterAt(int index) {
    return counters[index];
  }

  /** Returns the entries as an unmodifiable map in ascending replica order. */
  public Map<ReplicaId, Long> toMap() {
    Map<ReplicaId, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < replicas.length; i++) {
      map.put(replicas[i], counters[i]);
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VersionVector)) {
      return false;
    }
    VersionVector other = (VersionVector) o;
    return Arrays.equals(replicas, other.replicas) && Arrays.equals(counters, other.counters);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(replicas) * 31 + Arrays.hashCode(counters);
  }

  @Override
  public String toString() {
    return toMap().toString();
  }

  private static void checkCounter(ReplicaId replica, long counter) {
    if (counter < 0 || counter > OpId.MAX_COUNTER) {
      throw new IllegalArgumentException(
          "counter of " + replica + " must be in 0.." + OpId.MAX_COUNTER + ": " + counter);
    }
  }
}
