package dev.tonearm.sync.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.PlaylistEntry;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.protocol.PresenceInfo;
import dev.tonearm.sync.protocol.SyncProtocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open playlist of a {@link SyncClient}: a local CRDT replica that applies edits at once and
 * keeps it in sync with the server.
 *
 * <p><b>Edits</b> change the local replica immediately, are stored in the crash-safe queue before
 * the method returns, and are sent in batches: edits within the client's batch delay go out in one
 * message. The server's acknowledgement moves them from the queue to the confirmed state.
 *
 * <p><b>Rebasing.</b> Updates from other users are merged into the replica that already contains
 * the pending edits. The CRDT orders everything the way the server does, so pending edits need no
 * transformation and are sent unchanged. When the server sends a snapshot (the client had no state,
 * or the server lost data), the replica is rebuilt from it and the pending edits are applied again
 * on top.
 *
 * <p><b>Threads.</b> Every method may be called from any thread; all state is guarded by the
 * client's lock.
 */
public final class SyncedPlaylist {
  private final SyncClient client;
  private final String id;
  private final PlaylistStore store;
  private PlaylistCrdt crdt;

  /** Highest own counter the server has confirmed. */
  private long ackedThrough;

  /** Highest own counter sent on the current connection. */
  private long sentThrough;

  private boolean subscribed;

  /** Notice of the server that rejected edits because the playlist is deleted; null to send. */
  private DeletionNotice rejectedAsDeleted;

  private DeletionNotice deletion;
  private boolean createOnServer;
  private List<PresenceInfo> presence = Collections.emptyList();
  private boolean editing;
  private SyncScheduler.Cancellable flushTask;
  private boolean closed;

  SyncedPlaylist(SyncClient client, String id, PlaylistStore store, boolean createOnServer)
      throws SyncException {
    this.client = client;
    this.id = id;
    this.store = store;
    this.createOnServer = createOnServer;
    this.crdt = newCrdt();
    List<Op> confirmed = store.confirmedOps();
    crdt.apply(confirmed);
    ackedThrough = maxOwnCounter(confirmed);
    crdt.apply(store.pendingOps());
    sentThrough = ackedThrough;
  }

  public String id() {
    return id;
  }

  // Edits.

  /** Adds {@code trackId} at {@code index}; see {@link PlaylistCrdt#add}. */
  public Op add(int index, String trackId) throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      return commit(crdt.add(index, trackId));
    }
  }

  /** Removes the entry at {@code index}; see {@link PlaylistCrdt#remove}. */
  public Op remove(int index) throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      return commit(crdt.remove(index));
    }
  }

  /** Moves an entry; returns null when the indexes are equal. See {@link PlaylistCrdt#move}. */
  public Op move(int fromIndex, int toIndex) throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      Op op = crdt.move(fromIndex, toIndex);
      return op == null ? null : commit(op);
    }
  }

  public Op rename(String name) throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      return commit(crdt.rename(name));
    }
  }

  /** Soft-deletes the playlist (owner only; the server rejects it from collaborators). */
  public Op delete() throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      return commit(crdt.delete());
    }
  }

  /** Restores a soft-deleted playlist and resumes sending the edits the server rejected. */
  public Op restore() throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      rejectedAsDeleted = null;
      // Send every unacknowledged edit again with the restore at the end: the server rejects
      // any batch that edits the playlist while it stays deleted.
      sentThrough = ackedThrough;
      return commit(crdt.restore());
    }
  }

  /**
   * Creates a new playlist owned by this user holding this playlist's current entries, pending
   * edits included, and drops this playlist's pending edits: the way to keep edits made to a
   * playlist that someone else deleted.
   *
   * @return the new playlist, already open
   */
  public SyncedPlaylist copyTo(String newPlaylistId, String newName) throws SyncException {
    synchronized (client.lock) {
      checkOpen();
      List<String> tracks = crdt.trackIds();
      SyncedPlaylist copy = client.createPlaylist(newPlaylistId, newName);
      for (int i = 0; i < tracks.size(); i++) {
        copy.add(i, tracks.get(i));
      }
      store.clearPending();
      List<Op> confirmed = confirmedOps();
      crdt = newCrdt();
      crdt.apply(confirmed);
      sentThrough = ackedThrough;
      rejectedAsDeleted = null;
      client.emitChanged(id);
      client.updateStatus();
      return copy;
    }
  }

  /** Tells the other subscribers whether this user is editing the playlist now. */
  public void setEditing(boolean editing) {
    synchronized (client.lock) {
      this.editing = editing;
      if (subscribed) {
        client.send(SyncProtocol.presence(id, editing));
      }
    }
  }

  /** Stops syncing this playlist and closes its files; pending edits stay stored. */
  public void close() {
    synchronized (client.lock) {
      if (closed) {
        return;
      }
      closed = true;
      cancelFlush();
      if (subscribed) {
        client.send(SyncProtocol.unsubscribe(id));
      }
      client.forget(this);
      client.closeQuietly(store);
    }
  }

  // Queries.

  public List<PlaylistEntry> entries() {
    synchronized (client.lock) {
      return crdt.entries();
    }
  }

  public List<String> trackIds() {
    synchronized (client.lock) {
      return crdt.trackIds();
    }
  }

  public int size() {
    synchronized (client.lock) {
      return crdt.size();
    }
  }

  public String name() {
    synchronized (client.lock) {
      return crdt.name();
    }
  }

  public boolean isDeleted() {
    synchronized (client.lock) {
      return crdt.isDeleted();
    }
  }

  /** Returns the server's notice while the playlist is soft-deleted, else null. */
  public DeletionNotice deletionNotice() {
    synchronized (client.lock) {
      return crdt.isDeleted() ? deletion : null;
    }
  }

  /** Returns the version vector of the local replica, pending edits included. */
  public VersionVector version() {
    synchronized (client.lock) {
      return crdt.version();
    }
  }

  /** Returns how many own edits the server has not acknowledged. */
  public int pendingOpCount() {
    synchronized (client.lock) {
      return (int) (ownCount() - ackedThrough);
    }
  }

  /** Returns the subscribed users as of the server's last presence message. */
  public List<PresenceInfo> presence() {
    synchronized (client.lock) {
      return presence;
    }
  }

  // Called by SyncClient under its lock.

  boolean isSynced() {
    return subscribed && ownCount() == ackedThrough;
  }

  void onConnected() {
    if (closed) {
      return;
    }
    if (createOnServer) {
      client.send(SyncProtocol.create(id, client.nextRequestId()));
    } else {
      subscribe();
    }
  }

  void onDisconnected() {
    subscribed = false;
    sentThrough = ackedThrough;
    presence = Collections.emptyList();
    cancelFlush();
  }

  void onCreated() {
    createOnServer = false;
    subscribe();
  }

  /** Applies a snapshot, delta or update message. */
  void onOps(String type, JsonNode message) throws SyncException {
    List<Op> ops = OpJson.decodeAll(message.get("ops"), Integer.MAX_VALUE);
    deletion = DeletionNotice.fromJson(message.get("deletion"));
    boolean wasDeleted = crdt.isDeleted();
    if (SyncProtocol.SNAPSHOT.equals(type)) {
      rebuildFrom(ops);
    } else {
      crdt.apply(ops);
      store.recordConfirmed(ops);
      long ownConfirmed = maxOwnCounter(ops);
      if (ownConfirmed > ackedThrough) {
        // Own edits whose acknowledgement was lost with a connection.
        store.acknowledge(Collections.<Op>emptyList(), ownConfirmed);
        ackedThrough = ownConfirmed;
      }
    }
    if (!SyncProtocol.UPDATE.equals(type) && !message.path("more").asBoolean(false)) {
      subscribed = true;
      if (editing) {
        client.send(SyncProtocol.presence(id, true));
      }
      flush();
    }
    compactIfNeeded();
    client.emitChanged(id);
    if (crdt.isDeleted() && !wasDeleted && deletion != null) {
      client.emitDeleted(id, deletion);
    }
  }

  void onAck(JsonNode message) throws SyncException {
    VersionVector version = OpJson.decodeVersion(message.get("version"));
    long confirmed = Math.min(version.get(crdt.replica()), ownCount());
    if (confirmed <= ackedThrough) {
      return;
    }
    List<Op> acknowledged = new ArrayList<>();
    for (Op op : crdt.delta(crdt.version().with(crdt.replica(), ackedThrough))) {
      if (op.id().replica().equals(crdt.replica()) && op.id().counter() <= confirmed) {
        acknowledged.add(op);
      }
    }
    store.acknowledge(acknowledged, confirmed);
    ackedThrough = confirmed;
    compactIfNeeded();
  }

  /** Replaces the presence list, or applies joins, changes and leaves to it. */
  void onPresence(boolean full, List<PresenceInfo> editors, List<String> left) {
    Map<String, PresenceInfo> byReplica = new LinkedHashMap<>();
    if (!full) {
      for (PresenceInfo editor : presence) {
        byReplica.put(editor.replicaId(), editor);
      }
    }
    for (PresenceInfo editor : editors) {
      byReplica.put(editor.replicaId(), editor);
    }
    for (String replicaId : left) {
      byReplica.remove(replicaId);
    }
    presence = Collections.unmodifiableList(new ArrayList<>(byReplica.values()));
    client.emitPresence(id, presence);
  }

  /**
   * Handles an error message about this playlist. Edits rejected because the playlist is deleted
   * are kept. Edits rejected for any other reason can never be accepted, so they are dropped and
   * the playlist reloads from a snapshot.
   */
  void onError(SyncException.Reason code, String text, long requestId, DeletionNotice notice)
      throws SyncException {
    if (code == SyncException.Reason.PLAYLIST_DELETED) {
      if (!crdt.isDeleted()) {
        // Rejection of a batch sent before a local restore, which resent those edits.
        return;
      }
      rejectedAsDeleted = notice;
      deletion = notice;
      sentThrough = ackedThrough;
      client.emitDeleted(id, notice);
      return;
    }
    if (code == SyncException.Reason.ALREADY_EXISTS && createOnServer) {
      // An earlier create succeeded but its reply was lost with the connection.
      createOnServer = false;
      subscribe();
      return;
    }
    if (code == SyncException.Reason.NOT_FOUND
        && !subscribed
        && ackedThrough == 0
        && ownCount() > 0) {
      // Created offline and never confirmed: create it on the server, then subscribe.
      createOnServer = true;
      client.send(SyncProtocol.create(id, client.nextRequestId()));
      return;
    }
    client.emitError(new SyncException(code, "playlist " + id + ": " + text));
    if (requestId > 0 || code == SyncException.Reason.INVALID_OP) {
      store.clearPending();
      store.replaceConfirmed(Collections.<Op>emptyList());
      crdt = newCrdt();
      ackedThrough = 0;
      sentThrough = 0;
      subscribed = false;
      client.emitChanged(id);
      subscribe();
    }
  }

  /** Sends own operations not yet sent, in batches. */
  void flush() {
    flushTask = null;
    if (!subscribed || rejectedAsDeleted != null || !client.isOpen()) {
      return;
    }
    long own = ownCount();
    if (own <= sentThrough) {
      return;
    }
    List<Op> unsent = new ArrayList<>();
    for (Op op : crdt.delta(crdt.version().with(crdt.replica(), sentThrough))) {
      if (op.id().replica().equals(crdt.replica())) {
        unsent.add(op);
      }
    }
    // One request, split into messages the server holds back until the last one: a restore at the
    // end then covers every edit of a playlist that was deleted, however many there are.
    int batchSize = client.maxOpsPerMessage();
    for (int start = 0; start < unsent.size(); start += batchSize) {
      int end = Math.min(unsent.size(), start + batchSize);
      boolean more = end < unsent.size();
      client.send(SyncProtocol.ops(id, client.nextRequestId(), unsent.subList(start, end), more));
    }
    sentThrough = own;
  }

  // Helpers.

  private Op commit(Op op) throws SyncException {
    client.emitChanged(id);
    client.updateStatus();
    scheduleFlush();
    store.appendLocal(op);
    return op;
  }

  private void subscribe() {
    client.send(SyncProtocol.subscribe(id, client.replica(), crdt.version()));
  }

  private void scheduleFlush() {
    if (flushTask == null && subscribed) {
      flushTask = client.scheduleFlush(this);
    }
  }

  private void cancelFlush() {
    if (flushTask != null) {
      flushTask.cancel();
      flushTask = null;
    }
  }

  private void rebuildFrom(List<Op> snapshot) throws SyncException {
    // NOTE: if the server lost acknowledged own operations, the pending ones after them cannot be
    // applied (a counter gap) and wait in the CRDT's buffer; new edits would then reuse counters.
    List<Op> pending = store.pendingOps();
    crdt = newCrdt();
    crdt.apply(snapshot);
    store.replaceConfirmed(snapshot);
    ackedThrough = maxOwnCounter(snapshot);
    crdt.apply(pending);
    sentThrough = ackedThrough;
  }

  private void compactIfNeeded() throws SyncException {
    if (store.needsCompaction()) {
      store.replaceConfirmed(confirmedOps());
    }
  }

  /** Returns the applied operations without own ones the server has not confirmed. */
  private List<Op> confirmedOps() {
    List<Op> confirmed = new ArrayList<>();
    for (Op op : crdt.state()) {
      boolean unconfirmedOwn =
          op.id().replica().equals(crdt.replica()) && op.id().counter() > ackedThrough;
      if (!unconfirmedOwn) {
        confirmed.add(op);
      }
    }
    return confirmed;
  }

  private long ownCount() {
    return crdt.version().get(crdt.replica());
  }

  private long maxOwnCounter(List<Op> ops) {
    long max = 0;
    ReplicaId own = client.replica();
    for (Op op : ops) {
      if (op.id().replica().equals(own)) {
        max = Math.max(max, op.id().counter());
      }
    }
    return max;
  }

  private PlaylistCrdt newCrdt() {
    return PlaylistCrdt.create(client.replica());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("playlist " + id + " is closed");
    }
  }
}
