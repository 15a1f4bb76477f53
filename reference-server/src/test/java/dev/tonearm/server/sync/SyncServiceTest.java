package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.OpId;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.protocol.SyncProtocol;
import dev.tonearm.sync.storage.RecordLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SyncService} with real files, driven through sessions whose connections record what the
 * server sends.
 */
class SyncServiceTest {
  private static final String PLAYLIST = "road-trip";

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));
  private SyncService service;

  @BeforeEach
  void startService() throws SyncException {
    service = open(SyncLimits.defaults());
    service.createPlaylist(PLAYLIST, "alice");
    service.addCollaborator(PLAYLIST, "alice", "bob");
  }

  @AfterEach
  void closeService() throws Exception {
    service.close();
  }

  @Test
  void connect_helloListsPlaylistsOfTheUser() {
    RecordingConnection connection = new RecordingConnection();
    service.openSession("bob", connection);

    JsonNode hello = connection.only(SyncProtocol.HELLO);
    assertThat(hello.get("userId").asText()).isEqualTo("bob");
    assertThat(hello.get("playlists")).hasSize(1);
    assertThat(hello.get("playlists").get(0).get("playlistId").asText()).isEqualTo(PLAYLIST);
    assertThat(hello.get("playlists").get(0).get("role").asText()).isEqualTo("collaborator");
    RecordingConnection stranger = new RecordingConnection();
    service.openSession("carol", stranger);
    assertThat(stranger.only(SyncProtocol.HELLO).get("playlists")).isEmpty();
  }

  @Test
  void ops_areAckedBroadcastAndStored() throws Exception {
    Client alice = new Client("alice", "phone");
    Client bob = new Client("bob", "laptop");
    alice.subscribe();
    bob.subscribe();

    alice.crdt.add(0, "t-1");
    alice.crdt.add(1, "t-2");
    alice.sendPending(7);

    JsonNode ack = alice.connection.only(SyncProtocol.ACK);
    assertThat(ack.get("requestId").asLong()).isEqualTo(7);
    bob.receiveUpdates();
    assertThat(bob.crdt.trackIds()).containsExactly("t-1", "t-2");
    assertThat(alice.connection.messages())
        .noneMatch(message -> message.get("type").asText().equals(SyncProtocol.UPDATE));

    service.close();
    service = open(SyncLimits.defaults());
    assertThat(service.view(PLAYLIST).get().trackIds()).containsExactly("t-1", "t-2");
    assertThat(service.view(PLAYLIST).get().collaborators()).containsExactly("bob");
  }

  @Test
  void subscribe_deltaOrSnapshotByVersion() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.add(0, "t-1");
    alice.sendPending(1);
    Client bob = new Client("bob", "laptop");
    bob.subscribe();
    assertThat(bob.crdt.trackIds()).containsExactly("t-1");
    alice.crdt.add(1, "t-2");
    alice.sendPending(2);

    Client bobAgain = new Client("bob", "laptop");
    bobAgain.crdt.apply(bob.crdt.state());
    bobAgain.subscribe();

    JsonNode delta = bobAgain.connection.only(SyncProtocol.DELTA);
    assertThat(delta.get("ops")).hasSize(1);
    assertThat(bobAgain.crdt.trackIds()).containsExactly("t-1", "t-2");
    assertThat(bob.connection.only(SyncProtocol.SNAPSHOT).get("ops")).hasSize(1);
  }

  @Test
  void duplicateBatch_isAckedAndNotRebroadcast() throws Exception {
    Client alice = new Client("alice", "phone");
    Client bob = new Client("bob", "laptop");
    alice.subscribe();
    bob.subscribe();
    alice.crdt.add(0, "t-1");
    List<Op> batch = alice.crdt.delta(VersionVector.EMPTY);
    alice.send(1, batch);
    bob.connection.take();

    alice.send(2, batch);

    assertThat(alice.connection.messages())
        .filteredOn(message -> message.get("type").asText().equals(SyncProtocol.ACK))
        .hasSize(2);
    assertThat(bob.connection.messages()).isEmpty();
  }

  @Test
  void presence_subscriberGetsFullListOthersGetChanges() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.connection.take();
    Client bob = new Client("bob", "laptop");

    bob.subscribe();

    JsonNode full = bob.connection.only(SyncProtocol.PRESENCE);
    assertThat(full.get("full").asBoolean()).isTrue();
    assertThat(full.get("editors")).hasSize(2);
    JsonNode joined = alice.connection.only(SyncProtocol.PRESENCE);
    assertThat(joined.get("full").asBoolean()).isFalse();
    assertThat(joined.get("editors")).hasSize(1);
    assertThat(joined.get("editors").get(0).get("replicaId").asText()).isEqualTo("bob/laptop");
    alice.connection.take();

    bob.session.onMessage(SyncProtocol.toText(SyncProtocol.presence(PLAYLIST, true)));

    JsonNode editing = alice.connection.only(SyncProtocol.PRESENCE);
    assertThat(editing.get("editors").get(0).get("editing").asBoolean()).isTrue();
    alice.connection.take();
    bob.session.onClose();
    JsonNode left = alice.connection.only(SyncProtocol.PRESENCE);
    assertThat(left.get("editors")).isEmpty();
    assertThat(left.get("left").get(0).asText()).isEqualTo("bob/laptop");
  }

  // Access rules.

  @Test
  void subscribe_byStranger_isForbidden() throws Exception {
    Client carol = new Client("carol", "tablet");

    carol.subscribeRaw();

    assertError(carol.connection, SyncException.Reason.FORBIDDEN);
  }

  @Test
  void subscribe_unknownPlaylist_isNotFound() {
    RecordingConnection connection = new RecordingConnection();
    SyncSession session = service.openSession("alice", connection);

    session.onMessage(
        SyncProtocol.toText(
            SyncProtocol.subscribe(
                "no-such", ReplicaId.of("alice", "phone"), VersionVector.EMPTY)));

    assertError(connection, SyncException.Reason.NOT_FOUND);
  }

  @Test
  void opsUnderAnotherUsersReplica_areForbidden() throws Exception {
    Client bob = new Client("bob", "laptop");
    bob.subscribe();
    PlaylistCrdt forged = PlaylistCrdt.create(ReplicaId.of("alice", "phone"));
    forged.add(0, "t-1");

    bob.send(1, forged.state());

    assertError(bob.connection, SyncException.Reason.FORBIDDEN);
    assertThat(service.view(PLAYLIST).get().entries()).isEmpty();
  }

  @Test
  void deleteByCollaborator_isForbidden() throws Exception {
    Client bob = new Client("bob", "laptop");
    bob.subscribe();
    bob.crdt.delete();

    bob.sendPending(1);

    assertError(bob.connection, SyncException.Reason.FORBIDDEN);
    assertThat(service.view(PLAYLIST).get().isDeleted()).isFalse();
  }

  // Validation.

  @Test
  void lamportTimestampJump_isInvalid() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    Op jump =
        new Op.Add(
            new OpId(alice.crdt.replica(), 1), 1_000_000, VersionVector.EMPTY, null, null, "t");

    alice.send(1, Collections.singletonList(jump));

    assertError(alice.connection, SyncException.Reason.INVALID_OP);
  }

  @Test
  void badTrackId_isInvalid() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.add(0, "t".repeat(SyncLimits.DEFAULT_MAX_TRACK_ID_LENGTH + 1));
    alice.sendPending(1);
    assertError(alice.connection, SyncException.Reason.INVALID_OP);

    Client other = new Client("alice", "desk");
    other.subscribe();
    other.crdt.add(0, "t-1\n");
    other.sendPending(2);
    assertError(other.connection, SyncException.Reason.INVALID_OP);
    assertThat(service.view(PLAYLIST).get().entries()).isEmpty();
  }

  @Test
  void nameTooLong_isInvalid() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.rename("n".repeat(SyncLimits.DEFAULT_MAX_NAME_LENGTH + 1));

    alice.sendPending(1);

    assertError(alice.connection, SyncException.Reason.INVALID_OP);
  }

  @Test
  void tooManyEntries_isLimitExceeded() throws Exception {
    service.close();
    service = open(SyncLimits.builder().maxEntries(3).build());
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    for (int i = 0; i < 4; i++) {
      alice.crdt.add(i, "t-" + i);
    }

    alice.sendPending(1);

    assertError(alice.connection, SyncException.Reason.LIMIT_EXCEEDED);
    assertThat(service.view(PLAYLIST).get().entries()).isEmpty();
  }

  @Test
  void oversizedMessage_isLimitExceeded() throws Exception {
    service.close();
    service = open(SyncLimits.builder().maxOpsPerMessage(2).build());
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    for (int i = 0; i < 3; i++) {
      alice.crdt.add(i, "t-" + i);
    }

    alice.sendPending(1);

    assertError(alice.connection, SyncException.Reason.LIMIT_EXCEEDED);
  }

  @Test
  void requestOverSeveralMessages_mergedOnLastMessage() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    for (int i = 0; i < 5; i++) {
      alice.crdt.add(i, "t-" + i);
    }
    List<Op> ops = alice.crdt.state();
    alice.connection.take();

    alice.session.onMessage(
        SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 1, ops.subList(0, 2), true)));
    alice.session.onMessage(
        SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 2, ops.subList(2, 4), true)));
    assertThat(service.view(PLAYLIST).get().entries()).isEmpty();
    assertThat(alice.connection.take()).isEmpty();
    alice.session.onMessage(
        SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 3, ops.subList(4, 5), false)));

    assertThat(alice.connection.only(SyncProtocol.ACK).get("requestId").asLong()).isEqualTo(3);
    assertThat(service.view(PLAYLIST).get().trackIds())
        .containsExactly("t-0", "t-1", "t-2", "t-3", "t-4");
  }

  @Test
  void requestAboveLimit_isLimitExceeded() throws Exception {
    service.close();
    service = open(SyncLimits.builder().maxOpsPerRequest(3).build());
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    for (int i = 0; i < 4; i++) {
      alice.crdt.add(i, "t-" + i);
    }
    List<Op> ops = alice.crdt.state();

    alice.session.onMessage(
        SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 1, ops.subList(0, 2), true)));
    alice.session.onMessage(
        SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 2, ops.subList(2, 4), false)));

    assertError(alice.connection, SyncException.Reason.LIMIT_EXCEEDED);
    assertThat(service.view(PLAYLIST).get().entries()).isEmpty();
  }

  @Test
  void opWithMissingDependency_isRejected() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    Op secondWithoutFirst =
        new Op.Add(new OpId(alice.crdt.replica(), 2), 1, VersionVector.EMPTY, null, null, "t");

    alice.send(1, Collections.singletonList(secondWithoutFirst));

    assertError(alice.connection, SyncException.Reason.MISSING_DEPENDENCY);
  }

  @Test
  void malformedMessages_areProtocolErrors() {
    RecordingConnection connection = new RecordingConnection();
    SyncSession session = service.openSession("alice", connection);
    String[] messages = {
      "not json",
      "[1,2]",
      "{\"type\":\"subscribe\"}",
      "{\"type\":\"teleport\",\"playlistId\":\"road-trip\"}",
      "{\"type\":\"ops\",\"playlistId\":\"road-trip\",\"requestId\":1,\"ops\":{}}",
      "{\"type\":\"ops\",\"playlistId\":\"road-trip\",\"requestId\":1,"
          + "\"ops\":[{\"kind\":\"add\",\"id\":[\"alice/phone\",0],\"lamport\":1}]}",
      "{\"type\":\"presence\",\"playlistId\":\"road-trip\",\"editing\":true}",
      "{\"type\":\"create\",\"playlistId\":\"../etc\",\"requestId\":1}"
    };

    for (String message : messages) {
      connection.take();
      session.onMessage(message);
      assertError(connection, SyncException.Reason.PROTOCOL_ERROR);
    }
  }

  // Soft delete.

  @Test
  void deletedPlaylistEdits_rejectedThenRestored() throws Exception {
    Client alice = new Client("alice", "phone");
    Client bob = new Client("bob", "laptop");
    alice.subscribe();
    bob.subscribe();
    alice.crdt.add(0, "t-1");
    alice.sendPending(1);
    bob.receiveUpdates();
    alice.crdt.delete();
    alice.sendPending(2);
    long deletedAtMs = clock.millis();
    bob.crdt.add(1, "t-offline");

    bob.sendPending(3);

    JsonNode error = assertError(bob.connection, SyncException.Reason.PLAYLIST_DELETED);
    assertThat(error.get("requestId").asLong()).isEqualTo(3);
    assertThat(error.get("deletion").get("deletedBy").asText()).isEqualTo("alice");
    assertThat(error.get("deletion").get("deletedAtMs").asLong()).isEqualTo(deletedAtMs);
    assertThat(error.get("deletion").get("purgeAtMs").asLong())
        .isEqualTo(deletedAtMs + Duration.ofDays(30).toMillis());
    assertThat(service.view(PLAYLIST).get().trackIds()).containsExactly("t-1");

    bob.receiveUpdates();
    bob.crdt.restore();
    bob.sentThrough = 0;
    bob.sendPending(4);

    assertThat(bob.connection.only(SyncProtocol.ACK).get("requestId").asLong()).isEqualTo(4);
    PlaylistView view = service.view(PLAYLIST).get();
    assertThat(view.isDeleted()).isFalse();
    assertThat(view.trackIds()).containsExactly("t-1", "t-offline");
  }

  @Test
  void deletedPlaylistEdits_copiedToNewPlaylist() throws Exception {
    Client alice = new Client("alice", "phone");
    Client bob = new Client("bob", "laptop");
    alice.subscribe();
    bob.subscribe();
    alice.crdt.add(0, "t-1");
    alice.sendPending(1);
    bob.receiveUpdates();
    alice.crdt.delete();
    alice.sendPending(2);
    bob.crdt.add(1, "t-offline");
    bob.sendPending(3);
    assertError(bob.connection, SyncException.Reason.PLAYLIST_DELETED);

    bob.session.onMessage(SyncProtocol.toText(SyncProtocol.create("bobs-copy", 4)));
    assertThat(bob.connection.only(SyncProtocol.CREATED).get("playlistId").asText())
        .isEqualTo("bobs-copy");
    PlaylistCrdt copy = PlaylistCrdt.create(ReplicaId.of("bob", "laptop"));
    List<String> tracks = bob.crdt.trackIds();
    for (int i = 0; i < tracks.size(); i++) {
      copy.add(i, tracks.get(i));
    }
    bob.session.onMessage(SyncProtocol.toText(SyncProtocol.ops("bobs-copy", 5, copy.state())));

    assertThat(service.view("bobs-copy").get().trackIds()).containsExactly("t-1", "t-offline");
    assertThat(service.view("bobs-copy").get().owner()).isEqualTo("bob");
  }

  @Test
  void deletedPlaylist_isPurgedAfterRetention() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.delete();
    alice.sendPending(1);
    Path file = directory.resolve(PLAYLIST + ".playlist");
    assertThat(Files.exists(file)).isTrue();

    clock.advance(Duration.ofDays(30).minusSeconds(1));
    assertThat(service.purgeExpired()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(service.purgeExpired()).isEqualTo(1);

    assertThat(Files.exists(file)).isFalse();
    assertThat(service.view(PLAYLIST)).isEmpty();
    assertError(alice.connection, SyncException.Reason.NOT_FOUND);
  }

  @Test
  void scheduledPurge_removesExpiredPlaylistUnaccessed() throws Exception {
    FakeScheduler scheduler = new FakeScheduler();
    service.schedulePurge(scheduler, Duration.ofHours(1));
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.delete();
    alice.sendPending(1);
    Path file = directory.resolve(PLAYLIST + ".playlist");

    clock.advance(Duration.ofDays(30).minusHours(1));
    scheduler.advanceMs(Duration.ofHours(1).toMillis());
    assertThat(Files.exists(file)).isTrue();

    clock.advance(Duration.ofHours(1));
    assertThat(Files.exists(file)).isTrue();
    scheduler.advanceMs(Duration.ofHours(1).toMillis());

    assertThat(Files.exists(file)).isFalse();
    assertThat(scheduler.delays()).containsExactly(3_600_000L, 3_600_000L, 3_600_000L);
  }

  @Test
  void close_cancelsScheduledPurge() throws Exception {
    FakeScheduler scheduler = new FakeScheduler();
    service.schedulePurge(scheduler, Duration.ofMinutes(10));
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.delete();
    alice.sendPending(1);
    Path file = directory.resolve(PLAYLIST + ".playlist");
    service.close();

    clock.advance(Duration.ofDays(31));
    scheduler.advanceMs(Duration.ofDays(1).toMillis());

    assertThat(Files.exists(file)).isTrue();
    assertThat(scheduler.delays()).hasSize(1);
  }

  @Test
  void schedulePurge_invalidArguments_rejected() {
    FakeScheduler scheduler = new FakeScheduler();

    assertThatThrownBy(() -> service.schedulePurge(scheduler, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    service.schedulePurge(scheduler, Duration.ofMinutes(1));
    assertThatThrownBy(() -> service.schedulePurge(scheduler, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void expiredPlaylist_isPurgedOnAccessWithoutSweep() throws Exception {
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    alice.crdt.delete();
    alice.sendPending(1);
    clock.advance(Duration.ofDays(31));

    Client again = new Client("alice", "desk");
    again.subscribeRaw();

    assertError(again.connection, SyncException.Reason.NOT_FOUND);
    assertThat(Files.exists(directory.resolve(PLAYLIST + ".playlist"))).isFalse();
  }

  @Test
  void manyRequests_compactFileAndReload() throws Exception {
    service.close();
    service = open(SyncLimits.builder().compactionRecords(10).build());
    Client alice = new Client("alice", "phone");
    alice.subscribe();
    for (int i = 0; i < 50; i++) {
      alice.crdt.add(i / 2, "t-" + i);
      if (i % 7 == 0) {
        alice.crdt.move(0, alice.crdt.size() - 1);
      }
      alice.sendPending(i + 1);
    }
    List<String> expected = alice.crdt.trackIds();

    service.close();
    try (RecordLog log =
        RecordLog.open(
            directory.resolve(PLAYLIST + ".playlist"), RecordLog.FsyncPolicy.NEVER, 1 << 26)) {
      assertThat(log.recordCount()).isLessThanOrEqualTo(11);
    }
    service = open(SyncLimits.defaults());

    assertThat(service.view(PLAYLIST).get().trackIds()).isEqualTo(expected);
  }

  @Test
  void createPlaylist_existingId_alreadyExists() {
    assertThatThrownBy(() -> service.createPlaylist(PLAYLIST, "carol"))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.ALREADY_EXISTS));
  }

  @Test
  void addCollaborator_byNonOwner_isForbidden() {
    assertThatThrownBy(() -> service.addCollaborator(PLAYLIST, "bob", "carol"))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.FORBIDDEN));
  }

  private SyncService open(SyncLimits limits) throws SyncException {
    return SyncService.builder(directory)
        .clock(clock)
        .limits(limits)
        .fsyncPolicy(RecordLog.FsyncPolicy.NEVER)
        .open();
  }

  private static JsonNode assertError(RecordingConnection connection, SyncException.Reason code) {
    List<JsonNode> errors = new ArrayList<>();
    for (JsonNode message : connection.take()) {
      if (message.get("type").asText().equals(SyncProtocol.ERROR)) {
        errors.add(message);
      }
    }
    assertThat(errors).as("error messages").hasSize(1);
    assertThat(errors.get(0).get("code").asText()).isEqualTo(code.name());
    return errors.get(0);
  }

  /** A user's replica talking to the service through a recording session. */
  private final class Client {
    final PlaylistCrdt crdt;
    final RecordingConnection connection = new RecordingConnection();
    final SyncSession session;
    long sentThrough;

    Client(String user, String device) {
      crdt = PlaylistCrdt.create(ReplicaId.of(user, device));
      session = service.openSession(user, connection);
    }

    void subscribe() throws SyncException {
      subscribeRaw();
      for (JsonNode message : connection.messages()) {
        String type = message.get("type").asText();
        if (type.equals(SyncProtocol.SNAPSHOT) || type.equals(SyncProtocol.DELTA)) {
          crdt.apply(OpJson.decodeAll(message.get("ops"), Integer.MAX_VALUE));
        }
      }
    }

    void subscribeRaw() {
      session.onMessage(
          SyncProtocol.toText(SyncProtocol.subscribe(PLAYLIST, crdt.replica(), crdt.version())));
    }

    void receiveUpdates() throws SyncException {
      for (JsonNode message : connection.take()) {
        if (message.get("type").asText().equals(SyncProtocol.UPDATE)) {
          crdt.apply(OpJson.decodeAll(message.get("ops"), Integer.MAX_VALUE));
        }
      }
    }

    /** Sends own operations not sent before. */
    void sendPending(long requestId) {
      List<Op> pending = new ArrayList<>();
      for (Op op : crdt.delta(crdt.version().with(crdt.replica(), sentThrough))) {
        if (op.id().replica().equals(crdt.replica())) {
          pending.add(op);
        }
      }
      send(requestId, pending);
      sentThrough = crdt.version().get(crdt.replica());
    }

    void send(long requestId, List<Op> ops) {
      session.onMessage(SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, requestId, ops)));
    }
  }
}
