package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.client.SyncStatus;
import dev.tonearm.sync.client.SyncedPlaylist;
import dev.tonearm.sync.storage.RecordLog;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SyncClient} against a real server on loopback, with a {@link FakeScheduler} so batching
 * and reconnect delays happen exactly when the test advances time.
 */
class SyncClientTest {
  private static final String PLAYLIST = "mix";
  private static final long WAIT_MS = 20_000;

  @TempDir Path directory;
  private SyncTestServer server;
  private TcpProxy proxy;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<SyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new SyncTestServer(directory.resolve("server"), Clock.systemUTC(), "alice");
    server.service.createPlaylist(PLAYLIST, "alice");
    proxy = new TcpProxy(server.server.port());
  }

  @AfterEach
  void stop() throws Exception {
    for (SyncClient client : clients) {
      client.close();
    }
    proxy.close();
    server.close();
  }

  @Test
  void reconnect_waitsExponentialBackoffWithFullJitter() throws Exception {
    proxy.goOffline();
    long seed = 42;
    SyncClient client = client(proxy.port(), new Random(seed));
    client.open(PLAYLIST);
    Random expected = new Random(seed);

    client.connect();
    int seen = 0;
    long delayMs = 0;
    for (int attempt = 0; attempt <= 8; attempt++) {
      long capMs = Math.min(2_000, 100L << attempt);
      long expectedDelayMs = (long) (expected.nextDouble() * (capMs + 1));
      assertThat(expectedDelayMs).as("seeded delay of attempt %d", attempt).isPositive();

      delayMs = scheduler.awaitDelayedTask(seen, WAIT_MS);

      assertThat(delayMs).as("delay before attempt %d", attempt + 1).isEqualTo(expectedDelayMs);
      assertThat(client.status()).isEqualTo(SyncStatus.OFFLINE);
      seen = scheduler.delays().size();
      if (attempt < 8) {
        scheduler.advanceMs(delayMs);
      }
    }

    proxy.goOnline();
    scheduler.advanceMs(delayMs);
    await(() -> client.status() == SyncStatus.SYNCED);

    seen = scheduler.delays().size();
    proxy.goOffline();
    long afterSuccessMs = scheduler.awaitDelayedTask(seen, WAIT_MS);
    assertThat(afterSuccessMs)
        .as("attempts restart after a successful connect")
        .isEqualTo((long) (expected.nextDouble() * 101));
  }

  @Test
  void rapidEdits_sentAsOneBatch() throws Exception {
    SyncClient client = client(server.server.port(), new Random(1));
    SyncedPlaylist playlist = client.open(PLAYLIST);
    client.connect();
    await(() -> client.status() == SyncStatus.SYNCED);
    int recordsBefore = playlistRecords();

    for (int i = 0; i < 10; i++) {
      playlist.add(i, "t-" + i);
    }
    scheduler.advanceMs(49);
    assertThat(server.service.view(PLAYLIST).get().entries()).isEmpty();
    assertThat(client.status()).isEqualTo(SyncStatus.SYNCING);
    scheduler.advanceMs(1);

    await(() -> client.status() == SyncStatus.SYNCED);
    assertThat(server.service.view(PLAYLIST).get().trackIds()).isEqualTo(playlist.trackIds());
    assertThat(playlistRecords()).as("one stored batch").isEqualTo(recordsBefore + 1);
    assertThat(playlist.pendingOpCount()).isZero();
  }

  @Test
  void acknowledgedAndPendingEdits_surviveRestartWithoutServer() throws Exception {
    SyncClient client = client(server.server.port(), new Random(1));
    SyncedPlaylist playlist = client.open(PLAYLIST);
    client.connect();
    await(() -> client.status() == SyncStatus.SYNCED);
    playlist.add(0, "t-acked");
    scheduler.advanceMs(50);
    await(() -> client.status() == SyncStatus.SYNCED);
    client.disconnect();
    playlist.add(1, "t-pending");
    client.close();

    SyncClient restarted = client(proxy.port(), new Random(1));
    SyncedPlaylist reopened = restarted.open(PLAYLIST);

    assertThat(reopened.trackIds()).containsExactly("t-acked", "t-pending");
    assertThat(reopened.pendingOpCount()).isEqualTo(1);
    assertThat(restarted.status()).isEqualTo(SyncStatus.OFFLINE);
  }

  @Test
  void statusEvents_goOfflineSyncingSynced() throws Exception {
    EventWaiter events = new EventWaiter();
    SyncClient client =
        SyncClient.builder(
                server.url(), ReplicaId.of("alice", "phone"), directory.resolve("client"))
            .accessToken(() -> SyncTestServer.tokenFor("alice"))
            .scheduler(scheduler)
            .listener(events)
            .build();
    clients.add(client);
    SyncedPlaylist playlist = client.open(PLAYLIST);
    client.connect();
    await(() -> client.status() == SyncStatus.SYNCED);
    playlist.add(0, "t-1");
    scheduler.advanceMs(50);
    await(() -> client.status() == SyncStatus.SYNCED);
    client.disconnect();
    scheduler.runDue();

    assertThat(events.statuses())
        .containsExactly(
            SyncStatus.SYNCING,
            SyncStatus.SYNCED,
            SyncStatus.SYNCING,
            SyncStatus.SYNCED,
            SyncStatus.OFFLINE);
  }

  @Test
  void editsOfDeletedPlaylist_keptUntilRestore() throws Exception {
    EventWaiter events = new EventWaiter();
    SyncClient client =
        SyncClient.builder(
                server.url(), ReplicaId.of("alice", "phone"), directory.resolve("client"))
            .accessToken(() -> SyncTestServer.tokenFor("alice"))
            .scheduler(scheduler)
            .maxOpsPerMessage(3)
            .listener(events)
            .build();
    clients.add(client);
    SyncedPlaylist playlist = client.open(PLAYLIST);
    client.connect();
    await(() -> client.status() == SyncStatus.SYNCED);
    playlist.delete();
    scheduler.advanceMs(50);
    await(() -> client.status() == SyncStatus.SYNCED);

    for (int i = 0; i < 7; i++) {
      playlist.add(i, "t-after-delete-" + i);
    }
    scheduler.advanceMs(50);
    await(() -> !events.deletions().isEmpty());

    assertThat(playlist.pendingOpCount()).isEqualTo(7);
    assertThat(events.deletions().get(0).deletedBy()).isEqualTo("alice");
    assertThat(server.service.view(PLAYLIST).get().entries()).isEmpty();
    playlist.restore();
    scheduler.advanceMs(50);
    await(() -> client.status() == SyncStatus.SYNCED);
    assertThat(server.service.view(PLAYLIST).get().trackIds()).hasSize(7);
    assertThat(server.service.view(PLAYLIST).get().isDeleted()).isFalse();
    assertThat(playlist.pendingOpCount()).isZero();
  }

  private SyncClient client(int port, Random random) {
    SyncClient client =
        SyncClient.builder(
                server.urlVia(port), ReplicaId.of("alice", "phone"), directory.resolve("client"))
            .accessToken(() -> SyncTestServer.tokenFor("alice"))
            .scheduler(scheduler)
            .random(random)
            .reconnectDelays(100, 2_000)
            .build();
    clients.add(client);
    return client;
  }

  private int playlistRecords() throws SyncException, java.io.IOException {
    try (RecordLog log =
        RecordLog.open(
            directory.resolve("server").resolve(PLAYLIST + ".playlist"),
            RecordLog.FsyncPolicy.NEVER,
            1 << 26)) {
      return log.recordCount();
    }
  }

  /** Runs due scheduler tasks until {@code condition} holds; socket events arrive meanwhile. */
  private void await(BooleanSupplier condition) throws InterruptedException {
    long deadlineNs = System.nanoTime() + WAIT_MS * 1_000_000;
    int seen = 0;
    while (true) {
      scheduler.runDue();
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadlineNs) {
        throw new AssertionError("condition not met within " + WAIT_MS + " ms");
      }
      seen = Math.max(seen, scheduler.delays().size());
      try {
        scheduler.awaitScheduled(seen + 1, 100);
      } catch (AssertionError e) {
        // No new task within 100 ms: check the condition again.
      }
    }
  }
}
