package dev.tonearm.sync;

/**
 * An applied operation as {@link PlaylistCrdt} stores it: the compact form of an {@link Op}, with
 * references to other records in place of ids.
 *
 * <p>Adds and moves are {@link Item}s because they create a position in the sequence; the other
 * kinds are the nested classes here. Records are created once and then only {@link Item}'s entry
 * fields change, under the owning CRDT's confinement.
 */
abstract class OpRecord {
  final ReplicaLog replica;
  final int counter;
  final long lamport;
  final VersionVector deps;

  OpRecord(ReplicaLog replica, int counter, long lamport, VersionVector deps) {
    this.replica = replica;
    this.counter = counter;
    this.lamport = lamport;
    this.deps = deps;
  }

  final OpId id() {
    return new OpId(replica.id, counter);
  }

  /**
   * Returns whether this record sorts before {@code other} by (Lamport timestamp, replica id), the
   * order used for every tie and last-writer-wins decision.
   */
  final boolean sortsBefore(OpRecord other) {
    if (lamport != other.lamport) {
      return lamport < other.lamport;
    }
    return replica.id.compareTo(other.replica.id) < 0;
  }

  /** Returns whether {@code other} happened before this record, as seen by its creator. */
  final boolean hasObserved(OpRecord other) {
    if (other.replica == replica) {
      return other.counter < counter;
    }
    return deps.get(other.replica.id) >= other.counter;
  }

  abstract Op toOp();

  /** Removal of an entry. */
  static final class Remove extends OpRecord {
    final Item entry;

    Remove(ReplicaLog replica, int counter, long lamport, VersionVector deps, Item entry) {
      super(replica, counter, lamport, deps);
      this.entry = entry;
    }

    @Override
    Op toOp() {
      return new Op.Remove(id(), lamport, deps, entry.id());
    }
  }

  /** A playlist name, one write of the last-writer-wins name register. */
  static final class Rename extends OpRecord {
    final String name;

    Rename(ReplicaLog replica, int counter, long lamport, VersionVector deps, String name) {
      super(replica, counter, lamport, deps);
      this.name = name;
    }

    @Override
    Op toOp() {
      return new Op.Rename(id(), lamport, deps, name);
    }
  }

  /** A delete or a restore, one write of the last-writer-wins "deleted" register. */
  static final class DeleteFlag extends OpRecord {
    final boolean deleted;

    DeleteFlag(ReplicaLog replica, int counter, long lamport, VersionVector deps, boolean deleted) {
      super(replica, counter, lamport, deps);
      this.deleted = deleted;
    }

    @Override
    Op toOp() {
      return deleted ? new Op.Delete(id(), lamport, deps) : new Op.Restore(id(), lamport, deps);
    }
  }
}
