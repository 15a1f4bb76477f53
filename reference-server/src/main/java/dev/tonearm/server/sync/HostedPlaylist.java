package dev.tonearm.server.sync;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.PresenceInfo;
import dev.tonearm.sync.protocol.SyncProtocol;
import dev.tonearm.sync.storage.RecordLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One playlist on the server: its CRDT replica, access list, deletion state, file and subscribers.
 *
 * <p>Every method holds the instance lock, so requests on one playlist are merged, stored and
 * broadcast one at a time, and every subscriber receives updates in merge order. Messages are
 * queued on the connections under the lock; {@link SyncConnection#send} must not block.
 */
final class HostedPlaylist {
  /** The user's relation to a playlist. */
  enum Role {
    OWNER("owner"),
    COLLABORATOR("collaborator"),
    NONE("none");

    final String wireName;

    Role(String wireName) {
      this.wireName = wireName;
    }
  }

  /** Replica id of the server's copy; the server applies operations but creates none. */
  static final ReplicaId SERVER_REPLICA = ReplicaId.of("tonearm-server", "sync");

  /** Operations per snapshot or delta message. */
  static final int OPS_PER_CHUNK = 1_000;

  private static final Logger logger = LoggerFactory.getLogger(HostedPlaylist.class);

  final String id;
  private final PlaylistCrdt crdt;
  private final PlaylistFile file;
  private final Clock clock;
  private final SyncLimits limits;
  private final Map<SyncSession, PresenceInfo> subscribers = new LinkedHashMap<>();
  private PlaylistFile.Meta meta;
  private boolean purged;

  private HostedPlaylist(
      String id,
      PlaylistCrdt crdt,
      PlaylistFile file,
      PlaylistFile.Meta meta,
      Clock clock,
      SyncLimits limits) {
    this.id = id;
    this.crdt = crdt;
    this.file = file;
    this.meta = meta;
    this.clock = clock;
    this.limits = limits;
  }

  static HostedPlaylist create(
      String id,
      String owner,
      Path directory,
      RecordLog.FsyncPolicy fsyncPolicy,
      Clock clock,
      SyncLimits limits)
      throws SyncException {
    PlaylistFile.Meta meta = new PlaylistFile.Meta(owner, Collections.<String>emptySet(), null);
    PlaylistFile file = PlaylistFile.create(PlaylistFile.pathFor(directory, id), fsyncPolicy, meta);
    return new HostedPlaylist(id, newCrdt(), file, meta, clock, limits);
  }

  static HostedPlaylist load(
      String id, Path path, RecordLog.FsyncPolicy fsyncPolicy, Clock clock, SyncLimits limits)
      throws SyncException {
    PlaylistFile file = PlaylistFile.open(path, fsyncPolicy);
    PlaylistFile.Loaded loaded = file.load();
    PlaylistCrdt crdt = newCrdt();
    crdt.apply(loaded.ops);
    if (crdt.bufferedOpCount() > 0) {
      throw new SyncException(
          SyncException.Reason.CORRUPT_STORAGE,
          path + ": " + crdt.bufferedOpCount() + " stored operations lack their dependencies");
    }
    return new HostedPlaylist(id, crdt, file, loaded.meta, clock, limits);
  }

  private static PlaylistCrdt newCrdt() {
    return PlaylistCrdt.builder(SERVER_REPLICA).maxBufferedOps(0).build();
  }

  synchronized Role roleOf(String userId) {
    if (meta.owner.equals(userId)) {
      return Role.OWNER;
    }
    return meta.collaborators.contains(userId) ? Role.COLLABORATOR : Role.NONE;
  }

  synchronized boolean isPurged() {
    return purged;
  }

  /** Returns whether the playlist was deleted longer ago than the retention at {@code nowMs}. */
  synchronized boolean isExpired(long nowMs) {
    return meta.deletion != null && nowMs >= meta.deletion.purgeAtMs();
  }

  /** Returns the entry of this playlist in a hello message, for a user with access. */
  synchronized com.fasterxml.jackson.databind.node.ObjectNode summaryFor(String userId) {
    Role role = roleOf(userId);
    return SyncProtocol.playlistSummary(id, crdt.version(), crdt.isDeleted(), role.wireName);
  }

  synchronized PlaylistView view() {
    return new PlaylistView(
        id,
        meta.owner,
        meta.collaborators,
        crdt.name(),
        crdt.entries(),
        crdt.version(),
        meta.deletion);
  }

  /**
   * Subscribes a session: sends the operations it lacks as a snapshot or delta, then the presence
   * list to every subscriber.
   */
  synchronized void subscribe(SyncSession session, ReplicaId replica, VersionVector known)
      throws SyncException {
    checkAccess(session.userId);
    VersionVector version = crdt.version();
    boolean snapshot = known.isEmpty() || claimsForeignOps(known, version, session.userId);
    List<Op> ops = snapshot ? crdt.state() : crdt.delta(known);
    String type = snapshot ? SyncProtocol.SNAPSHOT : SyncProtocol.DELTA;
    sendInChunks(session, type, version, ops);
    PresenceInfo joined =
        new PresenceInfo(session.userId, replica.toString(), false, clock.millis());
    subscribers.put(session, joined);
    session.send(
        SyncProtocol.presence(
            id, new ArrayList<>(subscribers.values()), true, Collections.<String>emptyList()));
    broadcastPresenceChange(session, joined, null);
  }

  synchronized void unsubscribe(SyncSession session) {
    PresenceInfo left = subscribers.remove(session);
    if (left != null) {
      broadcastPresenceChange(session, null, left);
    }
  }

  synchronized void setEditing(SyncSession session, boolean editing) throws SyncException {
    PresenceInfo current = subscribers.get(session);
    if (current == null) {
      throw new SyncException(
          SyncException.Reason.PROTOCOL_ERROR, "subscribe to " + id + " before presence");
    }
    if (current.editing() != editing) {
      PresenceInfo changed =
          new PresenceInfo(current.userId(), current.replicaId(), editing, clock.millis());
      subscribers.put(session, changed);
      broadcastPresenceChange(null, changed, null);
    }
  }

  /**
   * Validates, merges, stores and broadcasts the operations of one request, then acknowledges it to
   * the sender. A batch that edits a playlist that stays deleted is rejected as a whole with {@code
   * PLAYLIST_DELETED} and the deletion notice.
   *
   * @throws SyncException for a rejected batch; the operations before a structurally invalid one
   *     stay merged, stored and broadcast
   */
  synchronized void applyBatch(SyncSession session, long requestId, List<Op> ops)
      throws SyncException {
    Role role = checkAccess(session.userId);
    VersionVector before = crdt.version();
    BatchCheck check = new BatchCheck(crdt, limits, session.userId, role);
    check.run(ops);
    if (crdt.isDeleted() && check.deletedAfter && check.editsContent) {
      session.send(
          SyncProtocol.error(
              SyncException.Reason.PLAYLIST_DELETED,
              "playlist " + id + " was deleted; restore it or copy it to keep these edits",
              id,
              requestId,
              meta.deletion));
      return;
    }
    SyncException failure = null;
    try {
      crdt.applyInOrder(ops);
    } catch (SyncException e) {
      failure = e;
    }
    List<Op> merged = new ArrayList<>();
    VersionVector after = crdt.version();
    for (Op op : ops) {
      if (!before.covers(op.id()) && after.covers(op.id())) {
        merged.add(op);
      }
    }
    if (!merged.isEmpty()) {
      store(merged);
      broadcast(session, merged, after);
    }
    if (failure != null) {
      throw failure;
    }
    session.send(SyncProtocol.ack(id, requestId, after));
  }

  synchronized void addCollaborator(String actingUser, String collaborator) throws SyncException {
    requireOwner(actingUser);
    Set<String> users = new LinkedHashSet<>(meta.collaborators);
    if (users.add(collaborator)) {
      writeMeta(meta.withCollaborators(users));
    }
  }

  synchronized void removeCollaborator(String actingUser, String collaborator)
      throws SyncException {
    requireOwner(actingUser);
    Set<String> users = new LinkedHashSet<>(meta.collaborators);
    if (users.remove(collaborator)) {
      writeMeta(meta.withCollaborators(users));
      for (SyncSession session : new ArrayList<>(subscribers.keySet())) {
        if (session.userId.equals(collaborator)) {
          PresenceInfo left = subscribers.remove(session);
          session.send(
              SyncProtocol.error(
                  SyncException.Reason.FORBIDDEN, "removed from playlist " + id, id, 0, null));
          broadcastPresenceChange(session, null, left);
        }
      }
    }
  }

  /** Deletes the file and sends subscribers a NOT_FOUND error. */
  synchronized void purge() throws SyncException {
    if (purged) {
      return;
    }
    purged = true;
    for (SyncSession session : subscribers.keySet()) {
      session.send(
          SyncProtocol.error(
              SyncException.Reason.NOT_FOUND,
              "playlist " + id + " was purged after its deletion expired",
              id,
              0,
              null));
    }
    subscribers.clear();
    file.delete();
  }

  synchronized void close() {
    try {
      file.close();
    } catch (IOException e) {
      logger.warn("Failed to close the file of playlist {}", id, e);
    }
  }

  private Role checkAccess(String userId) throws SyncException {
    if (purged) {
      throw new SyncException(SyncException.Reason.NOT_FOUND, "playlist " + id + " not found");
    }
    Role role = roleOf(userId);
    if (role == Role.NONE) {
      throw new SyncException(
          SyncException.Reason.FORBIDDEN,
          "user " + userId + " is neither owner nor collaborator of playlist " + id);
    }
    return role;
  }

  private void requireOwner(String userId) throws SyncException {
    if (checkAccess(userId) != Role.OWNER) {
      throw new SyncException(
          SyncException.Reason.FORBIDDEN, "only the owner may change the collaborators of " + id);
    }
  }

  /**
   * Returns whether a client's version counts operations of another user that the server does not
   * have, which means the server lost them and the client must start over from a snapshot.
   */
  private static boolean claimsForeignOps(
      VersionVector known, VersionVector version, String userId) {
    for (int i = 0; i < known.size(); i++) {
      ReplicaId replica = known.replicaAt(i);
      if (!replica.userId().equals(userId) && known.counterAt(i) > version.get(replica)) {
        return true;
      }
    }
    return false;
  }

  private void store(List<Op> merged) throws SyncException {
    // NOTE: if this append fails, the operations stay merged in memory but not on disk, and the
    // request is not acknowledged; the client resends them, but a restart before that loses them
    // from the server and from the clients that received the broadcast.
    file.appendOps(merged);
    DeletionNotice deletion = meta.deletion;
    if (crdt.isDeleted() && deletion == null) {
      long nowMs = clock.millis();
      String deletedBy = crdt.lastDeleteOrRestore().id().replica().userId();
      writeMeta(
          meta.withDeletion(
              new DeletionNotice(deletedBy, nowMs, nowMs + limits.deletedRetention().toMillis())));
      logger.debug("Playlist {} soft-deleted by {}", id, deletedBy);
    } else if (!crdt.isDeleted() && deletion != null) {
      writeMeta(meta.withDeletion(null));
      logger.debug("Playlist {} restored", id);
    }
    if (file.recordCount() > limits.compactionRecords()) {
      file.compact(meta, crdt.state());
    }
  }

  private void writeMeta(PlaylistFile.Meta newMeta) throws SyncException {
    file.appendMeta(newMeta);
    meta = newMeta;
  }

  private void broadcast(SyncSession sender, List<Op> merged, VersionVector version) {
    String update =
        SyncProtocol.toText(
            SyncProtocol.opsMessage(SyncProtocol.UPDATE, id, version, merged, meta.deletion));
    for (SyncSession session : subscribers.keySet()) {
      if (session != sender) {
        session.sendText(update);
      }
    }
  }

  /**
   * Tells every subscriber except {@code skip} that {@code changed} joined or changed, or that
   * {@code left} left (unless another connection of the same replica is still subscribed).
   */
  private void broadcastPresenceChange(SyncSession skip, PresenceInfo changed, PresenceInfo left) {
    List<PresenceInfo> editors =
        changed == null
            ? Collections.<PresenceInfo>emptyList()
            : Collections.singletonList(changed);
    List<String> leftReplicas = Collections.emptyList();
    if (left != null) {
      for (PresenceInfo remaining : subscribers.values()) {
        if (remaining.replicaId().equals(left.replicaId())) {
          return;
        }
      }
      leftReplicas = Collections.singletonList(left.replicaId());
    }
    String message = SyncProtocol.toText(SyncProtocol.presence(id, editors, false, leftReplicas));
    for (SyncSession session : subscribers.keySet()) {
      if (session != skip) {
        session.sendText(message);
      }
    }
  }

  private void sendInChunks(SyncSession session, String type, VersionVector version, List<Op> ops) {
    int chunks = Math.max(1, (ops.size() + OPS_PER_CHUNK - 1) / OPS_PER_CHUNK);
    for (int chunk = 0; chunk < chunks; chunk++) {
      List<Op> part =
          ops.subList(chunk * OPS_PER_CHUNK, Math.min(ops.size(), (chunk + 1) * OPS_PER_CHUNK));
      // Later chunks add to the first one, so only the first can be a snapshot.
      String chunkType = chunk == 0 ? type : SyncProtocol.DELTA;
      com.fasterxml.jackson.databind.node.ObjectNode message =
          SyncProtocol.opsMessage(chunkType, id, version, part, meta.deletion);
      message.put("more", chunk < chunks - 1);
      session.send(message);
    }
  }
}
