package dev.tonearm.sync;

import java.util.Objects;

/**
 * Unique id of one operation: the replica that created it and that replica's operation counter.
 *
 * <p>Counters start at 1 and grow by one per operation of the replica, so the operations of a
 * replica form a gap-free sequence. An add operation's id is also the id of the entry it adds.
 * Instances are immutable.
 */
public final class OpId {
  /** Largest counter a replica may use; counters are stored as {@code int} internally. */
  public static final long MAX_COUNTER = Integer.MAX_VALUE;

  private final ReplicaId replica;
  private final long counter;

  /**
   * Creates the id of operation number {@code counter} of {@code replica}.
   *
   * @throws IllegalArgumentException if {@code counter} is outside 1 to {@link #MAX_COUNTER}
   */
  public OpId(ReplicaId replica, long counter) {
    this.replica = Objects.requireNonNull(replica, "replica");
    if (counter < 1 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("counter must be in 1.." + MAX_COUNTER + ": " + counter);
    }
    this.counter = counter;
  }

  public ReplicaId replica() {
    return replica;
  }

  public long counter() {
    return counter;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OpId)) {
      return false;
    }
    OpId other = (OpId) o;
    return counter == other.counter && replica.equals(other.replica);
  }

  @Override
  public int hashCode() {
    return replica.hashCode() * 31 + Long.hashCode(counter);
  }

  /** Returns {@code userId/deviceId:counter}. */
  @Override
  public String toString() {
    return replica + ":" + counter;
  }
}
