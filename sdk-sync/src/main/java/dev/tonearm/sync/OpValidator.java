package dev.tonearm.sync;

import java.util.Map;

/**
 * Checks a remote operation against a {@link PlaylistCrdt}'s state and finds where an added or
 * moved item goes, without changing anything: a rejected operation leaves the replica as it was.
 *
 * <p>An operation is accepted only if it could have been created by a correct replica: its counter
 * is the next one of its replica, its dependencies are applied, its Lamport timestamp exceeds those
 * of its replica's previous operation and of its dependencies, and every id it refers to is an
 * operation it depends on, of the right kind, with the left origin before the right one. Those
 * checks keep a malformed operation from making replicas diverge.
 *
 * <p>Confined to the owning {@link PlaylistCrdt}.
 */
final class OpValidator {
  enum Readiness {
    /** Already applied. */
    DUPLICATE,
    /** Applicable now. */
    READY,
    /** Needs operations that are not applied yet. */
    WAITING
  }

  private final Map<ReplicaId, ReplicaLog> logs;
  private final ItemTree tree;

  OpValidator(Map<ReplicaId, ReplicaLog> logs, ItemTree tree) {
    this.logs = logs;
    this.tree = tree;
  }

  Readiness readiness(Op op) {
    ReplicaLog log = logs.get(op.id().replica());
    long applied = log == null ? 0 : log.size();
    long counter = op.id().counter();
    if (counter <= applied) {
      return Readiness.DUPLICATE;
    }
    if (counter > applied + 1) {
      return Readiness.WAITING;
    }
    VersionVector deps = op.deps();
    for (int i = 0; i < deps.size(); i++) {
      ReplicaLog depLog = logs.get(deps.replicaAt(i));
      if (depLog == null || depLog.size() < deps.counterAt(i)) {
        return Readiness.WAITING;
      }
    }
    return Readiness.READY;
  }

  /** Returns the log of {@code replica}, created empty on first use. */
  ReplicaLog logFor(ReplicaId replica) {
    return logs.computeIfAbsent(replica, ReplicaLog::new);
  }

  /**
   * Checks the dependencies and the Lamport timestamp of a ready operation, and returns the
   * dependency vector to store: the previous operation's vector when equal, to share memory.
   */
  VersionVector checkDeps(Op op, ReplicaLog log) throws SyncException {
    VersionVector deps = op.deps();
    long minLamport = log.lastLamport() + 1;
    for (int i = 0; i < deps.size(); i++) {
      ReplicaLog depLog = logs.get(deps.replicaAt(i));
      if (depLog == log) {
        throw invalid(op, "its dependencies must not name its own replica");
      }
      OpRecord dependency = depLog.get(deps.counterAt(i));
      minLamport = Math.max(minLamport, dependency.lamport + 1);
    }
    if (op.lamport() < minLamport) {
      throw invalid(
          op,
          "Lamport timestamp "
              + op.lamport()
              + " must be >= "
              + minLamport
              + ", above its dependencies");
    }
    if (op instanceof Op.Add) {
      String trackId = ((Op.Add) op).trackId();
      if (trackId.isEmpty()) {
        throw invalid(op, "track id must not be empty");
      }
    }
    int previous = log.size();
    OpRecord last = previous == 0 ? null : log.get(previous);
    if (last != null && last.deps.equals(deps)) {
      return last.deps;
    }
    return deps;
  }

  /** Returns the position item {@code ref} that {@code op} refers to as its {@code role}. */
  Item resolvePosition(Op op, OpId ref, String role) throws SyncException {
    if (ref == null) {
      return null;
    }
    OpRecord record = resolve(op, ref, role);
    if (!(record instanceof Item)) {
      throw invalid(op, role + " " + ref + " is not an add or a move");
    }
    return (Item) record;
  }

  /** Returns the entry {@code ref} that {@code op} removes or moves. */
  Item resolveEntry(Op op, OpId ref) throws SyncException {
    OpRecord record = resolve(op, ref, "entry");
    if (!(record instanceof Item) || !((Item) record).isEntry()) {
      throw invalid(op, "entry " + ref + " is not an add");
    }
    return (Item) record;
  }

  /**
   * Returns the item after which {@code item} goes, or null for the start of the list.
   *
   * <p>Scans the items between the item's left and right origins (YjsMod/FugueMax placement, see
   * {@link PlaylistCrdt}). For each scanned item {@code other}:
   *
   * <ul>
   *   <li>its left origin is left of ours: {@code other} is anchored outside the gap, stop;
   *   <li>its left origin is right of ours: it hangs off an item inside the gap, skip it;
   *   <li>same left origin, right origin left of ours: we may belong after it, but only if no
   *       closer conflict follows, so keep scanning without moving the insertion point;
   *   <li>same left origin, same right origin: a true conflict, ordered by (Lamport, replica);
   *   <li>same left origin, right origin right of ours: move the insertion point past it.
   * </ul>
   *
   * @throws SyncException if the right origin is not after the left origin
   */
  Item findInsertionPoint(Item item) throws SyncException {
    Item left = item.originLeft;
    Item right = item.originRight;
    ItemTree.Cursor cursor = tree.cursorAfter(left);
    if (cursor.item() == right) {
      return left;
    }

    int leftIndex = left == null ? -1 : tree.indexOf(left);
    int rightIndex = right == null ? tree.size() : tree.indexOf(right);
    if (rightIndex <= leftIndex) {
      throw new SyncException(
          SyncException.Reason.INVALID_OP,
          "operation "
              + item.id()
              + " has right origin "
              + right.id()
              + " before its left origin "
              + left.id());
    }

    Item insertAfter = left;
    Item previous = left;
    boolean scanning = false;
    for (int index = leftIndex + 1; ; index++) {
      if (!scanning) {
        insertAfter = previous;
      }
      if (index == rightIndex) {
        break;
      }
      Item other = cursor.item();
      int otherLeft = other.originLeft == null ? -1 : tree.indexOf(other.originLeft);
      if (otherLeft < leftIndex) {
        break;
      }
      if (otherLeft == leftIndex) {
        int otherRight = other.originRight == null ? tree.size() : tree.indexOf(other.originRight);
        if (otherRight < rightIndex) {
          scanning = true;
        } else if (otherRight == rightIndex) {
          if (item.sortsBefore(other)) {
            break;
          }
          scanning = false;
        } else {
          scanning = false;
        }
      }
      previous = other;
      cursor.advance();
    }
    return insertAfter;
  }

  private OpRecord resolve(Op op, OpId ref, String role) throws SyncException {
    ReplicaLog log = logs.get(ref.replica());
    OpRecord record = log == null ? null : log.get(ref.counter());
    boolean seen =
        ref.replica().equals(op.id().replica())
            ? ref.counter() < op.id().counter()
            : op.deps().covers(ref);
    if (record == null || !seen) {
      throw invalid(op, role + " " + ref + " is not among its dependencies");
    }
    return record;
  }

  private static SyncException invalid(Op op, String problem) {
    return new SyncException(
        SyncException.Reason.INVALID_OP, "operation " + op.id() + " rejected: " + problem);
  }
}
