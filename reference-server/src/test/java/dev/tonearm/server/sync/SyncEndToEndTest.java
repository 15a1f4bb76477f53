package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.client.SyncStatus;
import dev.tonearm.sync.client.SyncedPlaylist;
import dev.tonearm.sync.protocol.PresenceInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@link SyncClient}s on real WebSockets against a real server on loopback; one of them goes
 * through a {@link TcpProxy} that cuts it off for a while.
 */
class SyncEndToEndTest {
  private static final String PLAYLIST = "party";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path directory;
  private SyncTestServer server;
  private TcpProxy proxy;
  private Client alice;
  private Client bob;
  private Client carol;

  @BeforeEach
  void start() throws Exception {
    server =
        new SyncTestServer(directory.resolve("server"), Clock.systemUTC(), "alice", "bob", "carol");
    server.service.createPlaylist(PLAYLIST, "alice");
    server.service.addCollaborator(PLAYLIST, "alice", "bob");
    server.service.addCollaborator(PLAYLIST, "alice", "carol");
    proxy = new TcpProxy(server.server.port());
    alice = new Client("alice", server.url());
    bob = new Client("bob", server.url());
    carol = new Client("carol", server.urlVia(proxy.port()));
  }

  @AfterEach
  void stop() throws Exception {
    for (Client client : new Client[] {alice, bob, carol}) {
      if (client != null) {
        client.client.close();
      }
    }
    proxy.close();
    server.close();
  }

  @Test
  void threeClients_oneOfflineForAWhile_allConverge() throws Exception {
    for (Client client : new Client[] {alice, bob, carol}) {
      client.awaitStatus(SyncStatus.SYNCED);
    }
    alice.playlist.add(0, "t-alice-1");
    alice.playlist.add(1, "t-alice-2");
    awaitConverged(alice, bob, carol);

    proxy.goOffline();
    carol.awaitStatus(SyncStatus.OFFLINE);
    carol.playlist.add(0, "t-carol-offline-1");
    carol.playlist.move(2, 1);
    carol.playlist.add(3, "t-carol-offline-2");
    carol.playlist.rename("Carol's name");
    bob.playlist.add(1, "t-bob-1");
    bob.playlist.remove(0);
    alice.playlist.add(alice.playlist.size(), "t-alice-3");
    awaitConverged(alice, bob);
    assertThat(carol.playlist.pendingOpCount()).isEqualTo(4);
    assertThat(carol.client.status()).isEqualTo(SyncStatus.OFFLINE);

    proxy.goOnline();
    awaitConverged(alice, bob, carol);

    List<String> tracks = alice.playlist.trackIds();
    assertThat(tracks)
        .containsExactlyInAnyOrder(
            "t-alice-2", "t-bob-1", "t-alice-3", "t-carol-offline-1", "t-carol-offline-2");
    assertThat(server.service.view(PLAYLIST).get().trackIds()).isEqualTo(tracks);
    assertThat(bob.playlist.name()).isEqualTo("Carol's name");
    assertThat(carol.events.statuses()).contains(SyncStatus.OFFLINE, SyncStatus.SYNCING);
  }

  @Test
  void concurrentBurstsFromAllClients_converge() throws Exception {
    for (Client client : new Client[] {alice, bob, carol}) {
      client.awaitStatus(SyncStatus.SYNCED);
    }
    Random random = new Random(5);

    for (int round = 0; round < 40; round++) {
      for (Client client : new Client[] {alice, bob, carol}) {
        SyncedPlaylist playlist = client.playlist;
        int size = playlist.size();
        int action = random.nextInt(4);
        if (action < 2 || size < 2) {
          playlist.add(random.nextInt(size + 1), "t-" + client.user + "-" + round);
        } else if (action == 2) {
          playlist.remove(random.nextInt(size));
        } else {
          playlist.move(random.nextInt(size), random.nextInt(size));
        }
      }
    }

    awaitConverged(alice, bob, carol);
    assertThat(server.service.view(PLAYLIST).get().trackIds()).isEqualTo(alice.playlist.trackIds());
  }

  @Test
  void presence_showsWhoIsEditing() throws Exception {
    for (Client client : new Client[] {alice, bob, carol}) {
      client.awaitStatus(SyncStatus.SYNCED);
    }

    bob.playlist.setEditing(true);

    alice.events.await(
        "bob editing",
        () ->
            alice.playlist.presence().stream()
                .anyMatch(p -> p.replicaId().equals("bob/phone") && p.editing()),
        TIMEOUT);
    List<PresenceInfo> editors = alice.playlist.presence();
    assertThat(editors).extracting(PresenceInfo::userId).contains("alice", "bob", "carol");
    carol.client.close();
    carol = null;
    alice.events.await(
        "carol gone",
        () -> alice.playlist.presence().stream().noneMatch(p -> p.userId().equals("carol")),
        TIMEOUT);
  }

  @Test
  void deletedDuringOfflineEdits_notifiedThenRestores() throws Exception {
    for (Client client : new Client[] {alice, bob, carol}) {
      client.awaitStatus(SyncStatus.SYNCED);
    }
    alice.playlist.add(0, "t-1");
    awaitConverged(alice, bob, carol);
    proxy.goOffline();
    carol.awaitStatus(SyncStatus.OFFLINE);
    carol.playlist.add(1, "t-carol");
    alice.playlist.delete();
    bob.events.await("bob sees the delete", () -> bob.playlist.isDeleted(), TIMEOUT);

    proxy.goOnline();
    carol.events.await("carol told", () -> !carol.events.deletions().isEmpty(), TIMEOUT);
    assertThat(carol.events.deletions().get(0).deletedBy()).isEqualTo("alice");
    assertThat(carol.playlist.pendingOpCount()).isEqualTo(1);

    carol.playlist.restore();
    awaitConverged(alice, bob, carol);
    assertThat(alice.playlist.isDeleted()).isFalse();
    assertThat(alice.playlist.trackIds()).containsExactly("t-1", "t-carol");
  }

  @Test
  void deletedDuringOfflineEdits_copiesWithChanges() throws Exception {
    for (Client client : new Client[] {alice, carol}) {
      client.awaitStatus(SyncStatus.SYNCED);
    }
    alice.playlist.add(0, "t-1");
    awaitConverged(alice, carol);
    proxy.goOffline();
    carol.awaitStatus(SyncStatus.OFFLINE);
    carol.playlist.add(1, "t-carol");
    alice.playlist.delete();
    alice.awaitStatus(SyncStatus.SYNCED);

    proxy.goOnline();
    carol.events.await("carol told", () -> !carol.events.deletions().isEmpty(), TIMEOUT);
    SyncedPlaylist copy = carol.playlist.copyTo("party-copy", "Party (copy)");

    carol.events.await(
        "copy stored",
        () ->
            server.service.view("party-copy").isPresent()
                && server.service.view("party-copy").get().trackIds().size() == 2
                && carol.client.status() == SyncStatus.SYNCED,
        TIMEOUT);
    assertThat(server.service.view("party-copy").get().trackIds())
        .containsExactly("t-1", "t-carol");
    assertThat(server.service.view("party-copy").get().owner()).isEqualTo("carol");
    assertThat(server.service.view("party-copy").get().name()).isEqualTo("Party (copy)");
    assertThat(copy.trackIds()).containsExactly("t-1", "t-carol");
    assertThat(server.service.view(PLAYLIST).get().isDeleted()).isTrue();
  }

  /** Waits until the clients show the same entries, have nothing pending and are synced. */
  private static void awaitConverged(Client... clients) throws InterruptedException {
    for (Client client : clients) {
      client.events.await(
          client.user + " converged",
          () -> {
            if (client.client.status() != SyncStatus.SYNCED) {
              return false;
            }
            for (Client other : clients) {
              if (other.client.status() != SyncStatus.SYNCED
                  || !other.playlist.version().equals(client.playlist.version())) {
                return false;
              }
            }
            return true;
          },
          TIMEOUT);
    }
    for (Client client : clients) {
      assertThat(client.playlist.entries()).isEqualTo(clients[0].playlist.entries());
      assertThat(client.playlist.pendingOpCount()).isZero();
    }
  }

  private final class Client {
    final String user;
    final EventWaiter events = new EventWaiter();
    final SyncClient client;
    final SyncedPlaylist playlist;

    Client(String user, String url) throws Exception {
      this.user = user;
      client =
          SyncClient.builder(url, ReplicaId.of(user, "phone"), directory.resolve(user))
              .accessToken(() -> SyncTestServer.tokenFor(user))
              .reconnectDelays(20, 200)
              .batchDelayMs(20)
              .listener(events)
              .build();
      playlist = client.open(PLAYLIST);
      client.connect();
    }

    void awaitStatus(SyncStatus status) throws InterruptedException {
      events.await(user + " " + status, () -> client.status() == status, TIMEOUT);
    }
  }
}
