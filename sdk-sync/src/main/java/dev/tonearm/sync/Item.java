package dev.tonearm.sync;

/**
 * A position in the playlist sequence, created by an add or a move.
 *
 * <p>An add's item is also the entry itself ({@code owner == this}) and carries the entry state:
 * the track, the removed flag, and {@code current}, the entry's winning position item (the one with
 * the greatest (Lamport, replica) among the add and the moves of that entry). A move's item only
 * points at its entry. An item is visible exactly when its entry is not removed and the item is the
 * entry's current position; {@link ItemTree} keeps a visible flag per item that {@link
 * PlaylistCrdt} updates whenever either condition changes.
 */
final class Item extends OpRecord {
  /** Item that was directly before this one when it was created, or null for the list start. */
  final Item originLeft;

  /** Item that was directly after this one when it was created, or null for the list end. */
  final Item originRight;

  /** The add item of the entry this position belongs to. */
  final Item owner;

  /** Entry's winning position; only maintained on add items. */
  Item current;

  /** Entry's track id; null on move items. */
  final String trackId;

  /** Whether the entry was removed; only maintained on add items. */
  boolean removed;

  /** Leaf of {@link ItemTree} that contains this item. */
  ItemTree.Leaf leaf;

  /** Creates the item of an add operation: a new entry. */
  Item(
      ReplicaLog replica,
      int counter,
      long lamport,
      VersionVector deps,
      Item originLeft,
      Item originRight,
      String trackId) {
    super(replica, counter, lamport, deps);
    this.originLeft = originLeft;
    this.originRight = originRight;
    this.owner = this;
    this.current = this;
    this.trackId = trackId;
  }

  /** Creates the item of a move operation of {@code entry}. */
  Item(
      ReplicaLog replica,
      int counter,
      long lamport,
      VersionVector deps,
      Item originLeft,
      Item originRight,
      Item entry) {
    super(replica, counter, lamport, deps);
    this.originLeft = originLeft;
    this.originRight = originRight;
    this.owner = entry;
    this.trackId = null;
  }

  boolean isEntry() {
    return owner == this;
  }

  /** Returns whether this position shows its entry, from the entry state alone. */
  boolean shouldBeVisible() {
    return !owner.removed && owner.current == this;
  }

  @Override
  Op toOp() {
    OpId left = originLeft == null ? null : originLeft.id();
    OpId right = originRight == null ? null : originRight.id();
    if (isEntry()) {
      return new Op.Add(id(), lamport, deps, left, right, trackId);
    }
    return new Op.Move(id(), lamport, deps, owner.id(), left, right);
  }
}
