package dev.tonearm.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replicated playlist: an ordered list of track entries that several replicas edit concurrently and
 * that converges when they exchange operations in any order.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Operations.</b> Add at position, remove, move, rename, delete and restore. Each carries a
 * unique id (replica, counter), a Lamport timestamp and its causal dependencies (a version vector).
 * A replica applies an operation only after its dependencies (causal delivery): {@link #apply}
 * buffers early arrivals, duplicates are ignored. Operations of one replica are applied in counter
 * order, so the applied set is always a version vector and a replica's operations are stored in a
 * dense array indexed by counter instead of a hash map.
 *
 * <p><b>Sequence.</b> The list is a sequence CRDT of position items in the style of YATA. An item
 * records the item directly before it ({@code left}) and after it ({@code right}) at creation. A
 * replica that receives it inserts it right after {@code left} when {@code right} is still the next
 * item; otherwise it scans the items between the two with the placement rule that Gentle's
 * reference-crdts calls YjsMod, which is FugueMax from Weidner and Kleppmann, "The Art of the
 * Fugue" (arXiv 2305.00583): items whose own left origin is further left end the scan, items with
 * the same two origins are ordered by (Lamport timestamp, replica id) ascending, and items anchored
 * inside the gap are skipped together with the items they anchor. So two users who add at the same
 * position both keep their track, the earlier timestamp first and the smaller user id first on
 * equal timestamps.
 *
 * <p><b>Interleaving.</b> A run of adds typed left to right chains each add's {@code left} to the
 * previous one, and a run typed right to left chains each {@code right} to the previous one. The
 * scan keeps a concurrent run from another replica outside such a chain, so concurrent runs at the
 * same place come out one after the other, not item by item, in both directions. RGA records only
 * the left neighbour. Runs typed right to left share it, so RGA orders them by timestamp alone and
 * interleaves them, which is why this algorithm was chosen over it. Fractional indexes were
 * rejected because concurrent inserts between the same neighbours get interleaved keys and keys
 * grow without bound.
 *
 * <p><b>Move.</b> Modelled as in Kleppmann's "Moving elements in list CRDTs" (PaPoC 2020): an entry
 * keeps its identity (the id of its add) and has a last-writer-wins position register. A move
 * inserts a new position item at the target, exactly like an add, and writes the register. The
 * write with the greatest (Lamport, replica) wins, and only the entry's winning position item is
 * visible. Concurrent moves of one entry therefore never duplicate it, and an add that is
 * concurrent with a reorder is anchored to its own neighbours and lands where its user put it.
 *
 * <p><b>Remove.</b> A remove sets the entry's removed flag for good, so it wins over every move,
 * concurrent or not. With {@link Builder#trackRemoveWins} on (the default), it also removes every
 * entry of the same track whose add is concurrent with it, neither having seen the other: "the same
 * track added and removed concurrently ends removed". Adds that happened after the remove, and
 * entries of that track the remover had seen but did not pick, are kept.
 *
 * <p><b>Metadata.</b> The name is a last-writer-wins register. Delete and restore write one
 * last-writer-wins "deleted" register; a delete is soft: entries stay and a restore brings them
 * back with every edit made in between.
 *
 * <p><b>Merge.</b> The state is a function of the applied operation set, so applying operations
 * (op-based) and merging states (state-based, {@link #merge}, {@link #delta}) are the same union of
 * sets: idempotent, commutative and associative. Sorting by Lamport timestamp is a causal order,
 * which is how deltas are sent.
 *
 * <p><b>Cost.</b> An {@link ItemTree} (a B+ tree counting items and visible items per node) gives
 * index to item and item to index in O(log n). A local edit is O(log n). A remote add or move is
 * O(log n) unless another replica inserted concurrently between the same neighbours, which adds a
 * scan over those concurrent items. Memory is one object per operation plus one array slot; the
 * automerge-paper editing trace (182,315 adds, 77,463 removes) retains 19 MB, about 104 bytes per
 * add including the tree and the removes, measured with CrdtTraceBenchmark.
 *
 * <p><b>Threads.</b> Not thread-safe. Confine an instance to one thread or guard every call with
 * one lock.
 */
public final class PlaylistCrdt {
  /** Default bound of {@link Builder#maxBufferedOps}. */
  public static final int DEFAULT_MAX_BUFFERED_OPS = 100_000;

  /** Builder of {@link PlaylistCrdt}. */
  public static final class Builder {
    private final ReplicaId replica;
    private boolean trackRemoveWins = true;
    private int maxBufferedOps = DEFAULT_MAX_BUFFERED_OPS;

    private Builder(ReplicaId replica) {
      this.replica = Objects.requireNonNull(replica, "replica");
    }

    /**
     * Sets whether a remove also removes concurrent adds of the same track. Default true, the
     * playlist rule. Turn it off only for lists whose values repeat by nature, such as the
     * characters of a text, where removing one letter must not erase another user's concurrent
     * typing of the same letter. Every replica of a list must use the same setting.
     */
    public Builder trackRemoveWins(boolean trackRemoveWins) {
      this.trackRemoveWins = trackRemoveWins;
      return this;
    }

    /**
     * Sets how many operations {@link #apply} may hold back while they wait for their dependencies.
     * Default {@value #DEFAULT_MAX_BUFFERED_OPS}.
     */
    public Builder maxBufferedOps(int maxBufferedOps) {
      if (maxBufferedOps < 0) {
        throw new IllegalArgumentException("maxBufferedOps must be >= 0: " + maxBufferedOps);
      }
      this.maxBufferedOps = maxBufferedOps;
      return this;
    }

    public PlaylistCrdt build() {
      return new PlaylistCrdt(this);
    }
  }

  private final ReplicaId replica;
  private final boolean trackRemoveWins;
  private final int maxBufferedOps;
  private final ReplicaLog ownLog;
  private final Map<ReplicaId, ReplicaLog> logs = new HashMap<>();
  private final ItemTree tree = new ItemTree();
  private final TrackIndex trackIndex;
  private final List<Op> buffered = new ArrayList<>();
  private final OpValidator validator = new OpValidator(logs, tree);

  private long maxLamport;
  private long opCount;
  private VersionVector ownDeps;
  private OpRecord.Rename nameRegister;
  private OpRecord.DeleteFlag deletedRegister;

  private PlaylistCrdt(Builder builder) {
    this.replica = builder.replica;
    this.trackRemoveWins = builder.trackRemoveWins;
    this.maxBufferedOps = builder.maxBufferedOps;
    this.ownLog = new ReplicaLog(replica);
    logs.put(replica, ownLog);
    this.trackIndex = trackRemoveWins ? new TrackIndex() : null;
  }

  /** Returns a builder for a replica of a playlist edited as {@code replica}. */
  public static Builder builder(ReplicaId replica) {
    return new Builder(replica);
  }

  /** Returns a replica with the default settings. */
  public static PlaylistCrdt create(ReplicaId replica) {
    return builder(replica).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Local edits. Each applies at once and returns the operation to send to other replicas.

  /**
   * Adds {@code trackId} so that it ends up at visible index {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is outside 0 to {@link #size()}
   */
  public Op.Add add(int index, String trackId) {
    checkTrackId(trackId);
    checkIndex(index, size() + 1);
    Item left = index == 0 ? null : tree.visibleAt(index - 1);
    Item right = tree.successor(left);
    Item item = new Item(ownLog, nextCounter(), maxLamport + 1, ownDeps(), left, right, trackId);
    commit(item);
    tree.insertAfter(left, item, true);
    indexEntry(item);
    return (Op.Add) item.toOp();
  }

  /**
   * Removes the entry at visible index {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is outside 0 to {@link #size()} - 1
   */
  public Op.Remove remove(int index) {
    checkIndex(index, size());
    Item entry = tree.visibleAt(index).owner;
    OpRecord.Remove record =
        new OpRecord.Remove(ownLog, nextCounter(), maxLamport + 1, ownDeps(), entry);
    commit(record);
    // A local remove has seen every applied entry, so no other entry is concurrent with it.
    applyRemove(record, false);
    return (Op.Remove) record.toOp();
  }

  /**
   * Moves the entry at {@code fromIndex} so that it ends up at {@code toIndex}, like {@code
   * list.add(toIndex, list.remove(fromIndex))}.
   *
   * @return the move operation, or null when {@code fromIndex == toIndex}, which changes nothing
   * @throws IndexOutOfBoundsException if an index is outside 0 to {@link #size()} - 1
   */
  public Op.Move move(int fromIndex, int toIndex) {
    checkIndex(fromIndex, size());
    checkIndex(toIndex, size());
    if (fromIndex == toIndex) {
      return null;
    }
    Item entry = tree.visibleAt(fromIndex).owner;
    // Index toIndex - 1 of the list without the moved entry, translated to the current list.
    Item left;
    if (toIndex == 0) {
      left = null;
    } else {
      left = tree.visibleAt(toIndex - 1 < fromIndex ? toIndex - 1 : toIndex);
    }
    Item right = tree.successor(left);
    Item item = new Item(ownLog, nextCounter(), maxLamport + 1, ownDeps(), left, right, entry);
    commit(item);
    Item previous = entry.current;
    entry.current = item;
    tree.insertAfter(left, item, true);
    tree.setVisible(previous, false);
    return (Op.Move) item.toOp();
  }

  /** Renames the playlist. */
  public Op.Rename rename(String name) {
    Objects.requireNonNull(name, "name");
    OpRecord.Rename record =
        new OpRecord.Rename(ownLog, nextCounter(), maxLamport + 1, ownDeps(), name);
    commit(record);
    nameRegister = record;
    return (Op.Rename) record.toOp();
  }

  /** Marks the playlist deleted; entries are kept for a restore. */
  public Op.Delete delete() {
    return (Op.Delete) writeDeleted(true);
  }

  /** Clears a delete of the playlist. */
  public Op.Restore restore() {
    return (Op.Restore) writeDeleted(false);
  }

  // ---------------------------------------------------------------------------------------------
  // Remote operations and merging.

  /**
   * Applies operations from other replicas in any order. Duplicates are ignored, and operations
   * whose dependencies are missing wait in a buffer until those arrive.
   *
   * @return how many operations were applied, including earlier buffered ones that became ready
   * @throws SyncException with {@link SyncException.Reason#INVALID_OP} for an operation that
   *     contradicts this replica's state (the operations before it stay applied), or {@link
   *     SyncException.Reason#LIMIT_EXCEEDED} when the buffer is full
   */
  public int apply(Collection<? extends Op> ops) throws SyncException {
    int applied = 0;
    for (Op op : ops) {
      switch (validator.readiness(op)) {
        case DUPLICATE:
          break;
        case READY:
          integrate(op);
          applied++;
          break;
        case WAITING:
          buffer(op);
          break;
      }
    }
    if (applied > 0 && !buffered.isEmpty()) {
      applied += drainBuffer();
    }
    return applied;
  }

  /** Applies one operation; see {@link #apply(Collection)}. */
  public int apply(Op op) throws SyncException {
    return apply(Collections.singletonList(op));
  }

  /**
   * Applies operations that must each be applicable in the given order, as a server requires of its
   * clients. Duplicates are skipped.
   *
   * @return the operations that were new, in order
   * @throws SyncException with {@link SyncException.Reason#MISSING_DEPENDENCY} for an operation
   *     whose dependencies are not applied, or {@link SyncException.Reason#INVALID_OP}; the
   *     operations before it stay applied
   */
  public List<Op> applyInOrder(List<? extends Op> ops) throws SyncException {
    List<Op> applied = new ArrayList<>();
    for (Op op : ops) {
      OpValidator.Readiness readiness = validator.readiness(op);
      if (readiness == OpValidator.Readiness.WAITING) {
        throw new SyncException(
            SyncException.Reason.MISSING_DEPENDENCY,
            "operation "
                + op.id()
                + " depends on "
                + op.deps()
                + " but this replica has "
                + version());
      }
      if (readiness == OpValidator.Readiness.READY) {
        integrate(op);
        applied.add(op);
      }
    }
    return applied;
  }

  /** Merges the full state of {@code other} into this replica (state-based merge). */
  public void merge(PlaylistCrdt other) throws SyncException {
    apply(other.delta(version()));
  }

  /**
   * Returns the applied operations that {@code since} does not cover, in a causal order (ascending
   * Lamport timestamp, then replica id). Applying them to a replica at {@code since} gives this
   * replica's state.
   */
  public List<Op> delta(VersionVector since) {
    List<OpRecord> records = new ArrayList<>();
    for (ReplicaLog log : logs.values()) {
      for (long counter = since.get(log.id) + 1; counter <= log.size(); counter++) {
        records.add(log.get(counter));
      }
    }
    records.sort((a, b) -> a == b ? 0 : a.sortsBefore(b) ? -1 : 1);
    List<Op> ops = new ArrayList<>(records.size());
    for (OpRecord record : records) {
      ops.add(record.toOp());
    }
    return ops;
  }

  /** Returns every applied operation in a causal order: the full state. */
  public List<Op> state() {
    return delta(VersionVector.EMPTY);
  }

  /** Returns the number of operations waiting in the buffer for their dependencies. */
  public int bufferedOpCount() {
    return buffered.size();
  }

  /** Returns the operations waiting in the buffer for their dependencies. */
  public List<Op> bufferedOps() {
    return Collections.unmodifiableList(new ArrayList<>(buffered));
  }

  // ---------------------------------------------------------------------------------------------
  // Queries.

  public ReplicaId replica() {
    return replica;
  }

  /** Returns the version vector of the applied operations. */
  public VersionVector version() {
    Map<ReplicaId, Long> counters = new HashMap<>();
    for (ReplicaLog log : logs.values()) {
      counters.put(log.id, (long) log.size());
    }
    return VersionVector.of(counters);
  }

  /** Returns the greatest Lamport timestamp applied, 0 when empty. */
  public long maxLamport() {
    return maxLamport;
  }

  /** Returns the number of applied operations. */
  public long opCount() {
    return opCount;
  }

  /** Returns the number of position items, visible or not: adds plus moves. */
  public int itemCount() {
    return tree.size();
  }

  /** Returns the number of visible entries. */
  public int size() {
    return tree.visibleSize();
  }

  /** Returns the entry at visible index {@code index}. */
  public PlaylistEntry get(int index) {
    checkIndex(index, size());
    Item entry = tree.visibleAt(index).owner;
    return new PlaylistEntry(entry.id(), entry.trackId);
  }

  /** Returns the visible entries in order. */
  public List<PlaylistEntry> entries() {
    List<PlaylistEntry> entries = new ArrayList<>(size());
    tree.forEachVisible(
        item -> entries.add(new PlaylistEntry(item.owner.id(), item.owner.trackId)));
    return entries;
  }

  /** Returns the track ids of the visible entries in order. */
  public List<String> trackIds() {
    List<String> tracks = new ArrayList<>(size());
    tree.forEachVisible(item -> tracks.add(item.owner.trackId));
    return tracks;
  }

  /** Returns the visible index of the entry added by {@code entryId}, or -1 if not visible. */
  public int indexOf(OpId entryId) {
    ReplicaLog log = logs.get(entryId.replica());
    OpRecord record = log == null ? null : log.get(entryId.counter());
    if (!(record instanceof Item) || !((Item) record).isEntry()) {
      return -1;
    }
    Item entry = (Item) record;
    if (entry.removed) {
      return -1;
    }
    return tree.visibleIndexOf(entry.current);
  }

  /** Returns the playlist name, or "" before the first rename. */
  public String name() {
    return nameRegister == null ? "" : nameRegister.name;
  }

  /** Returns whether the playlist is soft-deleted. */
  public boolean isDeleted() {
    return deletedRegister != null && deletedRegister.deleted;
  }

  /** Returns the operation that last wrote the deleted flag, or null if none did. */
  public Op lastDeleteOrRestore() {
    return deletedRegister == null ? null : deletedRegister.toOp();
  }

  /**
   * Returns every position item in sequence order as {@code id} or {@code id*} for visible ones;
   * two replicas with equal dumps have equal sequences, not just equal visible lists.
   */
  List<String> itemDump() {
    List<String> dump = new ArrayList<>(tree.size());
    tree.forEach(item -> dump.add(item.id() + (tree.isVisible(item) ? "*" : "")));
    return dump;
  }

  // ---------------------------------------------------------------------------------------------
  // Integration.

  private void integrate(Op op) throws SyncException {
    ReplicaLog log = validator.logFor(op.id().replica());
    int counter = (int) op.id().counter();
    VersionVector deps = validator.checkDeps(op, log);
    long lamport = op.lamport();
    switch (op.kind()) {
      case ADD:
        {
          Op.Add add = (Op.Add) op;
          Item left = validator.resolvePosition(op, add.left(), "left");
          Item right = validator.resolvePosition(op, add.right(), "right");
          Item item = new Item(log, counter, lamport, deps, left, right, add.trackId());
          Item after = validator.findInsertionPoint(item);
          commit(item);
          boolean removedConcurrently = isRemovedConcurrently(item);
          item.removed = removedConcurrently;
          tree.insertAfter(after, item, !removedConcurrently);
          indexEntry(item);
          break;
        }
      case MOVE:
        {
          Op.Move move = (Op.Move) op;
          Item entry = validator.resolveEntry(op, move.entry());
          Item left = validator.resolvePosition(op, move.left(), "left");
          Item right = validator.resolvePosition(op, move.right(), "right");
          Item item = new Item(log, counter, lamport, deps, left, right, entry);
          Item after = validator.findInsertionPoint(item);
          commit(item);
          Item previous = entry.current;
          boolean wins = previous.sortsBefore(item);
          if (wins) {
            entry.current = item;
          }
          tree.insertAfter(after, item, wins && !entry.removed);
          if (wins) {
            tree.setVisible(previous, false);
          }
          break;
        }
      case REMOVE:
        {
          Item entry = validator.resolveEntry(op, ((Op.Remove) op).entry());
          OpRecord.Remove record = new OpRecord.Remove(log, counter, lamport, deps, entry);
          commit(record);
          applyRemove(record, true);
          break;
        }
      case RENAME:
        {
          OpRecord.Rename record =
              new OpRecord.Rename(log, counter, lamport, deps, ((Op.Rename) op).name());
          commit(record);
          if (nameRegister == null || nameRegister.sortsBefore(record)) {
            nameRegister = record;
          }
          break;
        }
      case DELETE:
      case RESTORE:
        {
          boolean deleted = op.kind() == Op.Kind.DELETE;
          OpRecord.DeleteFlag record =
              new OpRecord.DeleteFlag(log, counter, lamport, deps, deleted);
          commit(record);
          if (deletedRegister == null || deletedRegister.sortsBefore(record)) {
            deletedRegister = record;
          }
          break;
        }
    }
  }

  private void applyRemove(OpRecord.Remove record, boolean remote) {
    Item entry = record.entry;
    hide(entry);
    if (!trackRemoveWins) {
      return;
    }
    trackIndex.addRemove(record);
    if (remote) {
      // Entries applied before this remove either happened before it or are concurrent with
      // it: one that happened after it cannot arrive earlier under causal delivery.
      trackIndex.forEachUnseenEntry(record, this::hide);
    }
  }

  /** Returns whether an applied remove of the item's track is concurrent with its add. */
  private boolean isRemovedConcurrently(Item entry) {
    // A remove applied earlier cannot have seen this add, so it is concurrent unless the add
    // has seen the remove.
    return trackRemoveWins && trackIndex.missedARemove(entry);
  }

  private void hide(Item entry) {
    if (!entry.removed) {
      entry.removed = true;
      tree.setVisible(entry.current, false);
    }
  }

  private void indexEntry(Item entry) {
    if (trackRemoveWins) {
      trackIndex.addEntry(entry);
    }
  }

  private Op writeDeleted(boolean deleted) {
    OpRecord.DeleteFlag record =
        new OpRecord.DeleteFlag(ownLog, nextCounter(), maxLamport + 1, ownDeps(), deleted);
    commit(record);
    deletedRegister = record;
    return record.toOp();
  }

  /** Appends an operation to its replica's log; the caller then applies its effect. */
  private void commit(OpRecord record) {
    record.replica.append(record);
    if (record.lamport > maxLamport) {
      maxLamport = record.lamport;
    }
    opCount++;
    if (record.replica != ownLog) {
      ownDeps = null;
    }
  }

  private void buffer(Op op) throws SyncException {
    if (buffered.size() >= maxBufferedOps) {
      throw new SyncException(
          SyncException.Reason.LIMIT_EXCEEDED,
          "more than "
              + maxBufferedOps
              + " operations wait for missing dependencies; dropped "
              + op.id());
    }
    buffered.add(op);
  }

  private int drainBuffer() throws SyncException {
    int applied = 0;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < buffered.size(); ) {
        Op op = buffered.get(i);
        OpValidator.Readiness readiness = validator.readiness(op);
        if (readiness == OpValidator.Readiness.WAITING) {
          i++;
          continue;
        }
        buffered.remove(i);
        if (readiness == OpValidator.Readiness.READY) {
          integrate(op);
          applied++;
          progress = true;
        }
      }
    }
    return applied;
  }

  private int nextCounter() {
    if (ownLog.size() >= OpId.MAX_COUNTER) {
      throw new IllegalStateException("replica " + replica + " used all operation counters");
    }
    return ownLog.size() + 1;
  }

  /** Returns the dependencies of a new local operation: every applied remote operation. */
  private VersionVector ownDeps() {
    if (ownDeps == null) {
      Map<ReplicaId, Long> counters = new HashMap<>();
      for (ReplicaLog log : logs.values()) {
        if (log != ownLog) {
          counters.put(log.id, (long) log.size());
        }
      }
      ownDeps = VersionVector.of(counters);
    }
    return ownDeps;
  }

  private static void checkIndex(int index, int limit) {
    if (index < 0 || index >= limit) {
      throw new IndexOutOfBoundsException("index must be in 0.." + (limit - 1) + ": " + index);
    }
  }

  private static void checkTrackId(String trackId) {
    Objects.requireNonNull(trackId, "trackId");
    if (trackId.isEmpty()) {
      throw new IllegalArgumentException("trackId must not be empty");
    }
  }
}
