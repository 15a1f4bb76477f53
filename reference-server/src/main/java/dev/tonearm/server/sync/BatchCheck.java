package dev.tonearm.server.sync;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Server policy checks on one batch of client operations, run before anything is merged so a
 * rejected batch changes nothing. The CRDT checks structure (ids, dependencies, origins) itself
 * while merging. This class checks what only the server can judge: who may send what, sizes, and
 * whether a Lamport timestamp is plausible.
 *
 * <p>A correct client stamps an operation with 1 + the largest timestamp it has seen, and it sees
 * only operations that passed through the server, its own included. So a new operation's timestamp
 * is at most the server's maximum + 1 at the time it is merged; a larger one could push every later
 * timestamp arbitrarily high and is rejected.
 *
 * <p>Confined to the calling thread, under the playlist's lock.
 */
final class BatchCheck {
  private final PlaylistCrdt crdt;
  private final SyncLimits limits;
  private final String userId;
  private final HostedPlaylist.Role role;

  /** Whether the playlist is deleted once the batch is merged. */
  boolean deletedAfter;

  /** Whether the batch adds, removes, moves or renames. */
  boolean editsContent;

  BatchCheck(PlaylistCrdt crdt, SyncLimits limits, String userId, HostedPlaylist.Role role) {
    this.crdt = crdt;
    this.limits = limits;
    this.userId = userId;
    this.role = role;
  }

  void run(List<Op> ops) throws SyncException {
    VersionVector version = crdt.version();
    Map<ReplicaId, Long> batchCounters = new HashMap<>();
    long maxLamport = crdt.maxLamport();
    Op deleteFlagWinner = crdt.lastDeleteOrRestore();
    deletedAfter = crdt.isDeleted();
    int adds = 0;
    int newOps = 0;
    for (Op op : ops) {
      ReplicaId replica = op.id().replica();
      if (!replica.userId().equals(userId)) {
        throw new SyncException(
            SyncException.Reason.FORBIDDEN,
            "operation " + op.id() + " belongs to user " + replica.userId() + ", not " + userId);
      }
      long seen = Math.max(version.get(replica), batchCounters.getOrDefault(replica, 0L));
      if (op.id().counter() <= seen) {
        continue;
      }
      batchCounters.put(replica, op.id().counter());
      newOps++;
      if (op.lamport() > maxLamport + 1) {
        throw new SyncException(
            SyncException.Reason.INVALID_OP,
            "operation "
                + op.id()
                + " has Lamport timestamp "
                + op.lamport()
                + ", above the server's maximum "
                + maxLamport
                + " + 1");
      }
      maxLamport = Math.max(maxLamport, op.lamport());
      switch (op.kind()) {
        case ADD:
          checkText(op, "track id", ((Op.Add) op).trackId(), 1, limits.maxTrackIdLength());
          adds++;
          editsContent = true;
          break;
        case RENAME:
          checkText(op, "name", ((Op.Rename) op).name(), 0, limits.maxNameLength());
          editsContent = true;
          break;
        case REMOVE:
        case MOVE:
          editsContent = true;
          break;
        case DELETE:
          if (role != HostedPlaylist.Role.OWNER) {
            throw new SyncException(
                SyncException.Reason.FORBIDDEN, "only the owner may delete the playlist");
          }
          // Falls through: delete and restore write the same register.
        case RESTORE:
          if (deleteFlagWinner == null || isAfter(op, deleteFlagWinner)) {
            deleteFlagWinner = op;
            deletedAfter = op.kind() == Op.Kind.DELETE;
          }
          break;
      }
    }
    if (crdt.opCount() + newOps > limits.maxOpsPerPlaylist()) {
      throw new SyncException(
          SyncException.Reason.LIMIT_EXCEEDED,
          "a playlist may hold at most " + limits.maxOpsPerPlaylist() + " operations");
    }
    if (crdt.size() + adds > limits.maxEntries()) {
      throw new SyncException(
          SyncException.Reason.LIMIT_EXCEEDED,
          "a playlist may hold at most "
              + limits.maxEntries()
              + " entries; it has "
              + crdt.size()
              + " and the request adds "
              + adds);
    }
  }

  /** Last-writer-wins order of the CRDT: (Lamport timestamp, replica id). */
  private static boolean isAfter(Op op, Op other) {
    if (op.lamport() != other.lamport()) {
      return op.lamport() > other.lamport();
    }
    return op.id().replica().compareTo(other.id().replica()) > 0;
  }

  private static void checkText(Op op, String field, String text, int minLength, int maxLength)
      throws SyncException {
    if (text.length() < minLength || text.length() > maxLength) {
      throw new SyncException(
          SyncException.Reason.INVALID_OP,
          "operation "
              + op.id()
              + ": "
              + field
              + " must be "
              + minLength
              + " to "
              + maxLength
              + " characters, got "
              + text.length());
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new SyncException(
            SyncException.Reason.INVALID_OP,
            "operation "
                + op.id()
                + ": "
                + field
                + " contains control character U+"
                + String.format("%04X", (int) text.charAt(i)));
      }
    }
  }
}
