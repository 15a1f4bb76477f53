package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.protocol.SyncProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server sweeps soft-deleted sync playlists on its own schedule, driven by its
 * clock, so a playlist past its retention disappears from disk even when no client accesses it.
 */
class ReferenceServerPurgeTest {
  private static final String PLAYLIST = "road-trip";

  @TempDir Path directory;

  @Test
  void runningServer_purgesExpiredPlaylist() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));
    FakeScheduler scheduler = new FakeScheduler();
    Path dataDir = directory.resolve("data");
    try (ReferenceServer server =
        TestServers.builder(dataDir)
            .seedDemo(false)
            .clock(clock)
            .syncPurgeScheduler(scheduler)
            .syncPurgeInterval(Duration.ofMinutes(15))
            .build()
            .start()) {
      assertThat(scheduler.delays()).containsExactly(Duration.ofMinutes(15).toMillis());
      server.syncService().createPlaylist(PLAYLIST, "u-premium");
      deleteAsOwner(server.syncService());
      Path file = dataDir.resolve("sync").resolve(PLAYLIST + PlaylistFile.EXTENSION);
      assertThat(Files.exists(file)).isTrue();

      clock.advance(Duration.ofDays(30).plusMinutes(1));
      assertThat(Files.exists(file)).isTrue();
      scheduler.advanceMs(Duration.ofMinutes(15).toMillis());

      assertThat(Files.exists(file)).isFalse();
    }
    int scheduledAtClose = scheduler.delays().size();
    scheduler.advanceMs(Duration.ofDays(1).toMillis());
    assertThat(scheduler.delays()).hasSize(scheduledAtClose);
  }

  /** Deletes the playlist through a session of its owner, as a client's delete operation does. */
  private static void deleteAsOwner(SyncService service) throws Exception {
    PlaylistCrdt crdt = PlaylistCrdt.create(ReplicaId.of("u-premium", "phone"));
    RecordingConnection connection = new RecordingConnection();
    SyncSession session = service.openSession("u-premium", connection);
    session.onMessage(
        SyncProtocol.toText(SyncProtocol.subscribe(PLAYLIST, crdt.replica(), crdt.version())));
    for (JsonNode message : connection.take()) {
      String type = message.get("type").asText();
      if (type.equals(SyncProtocol.SNAPSHOT) || type.equals(SyncProtocol.DELTA)) {
        crdt.apply(OpJson.decodeAll(message.get("ops"), Integer.MAX_VALUE));
      }
    }
    crdt.delete();
    session.onMessage(SyncProtocol.toText(SyncProtocol.ops(PLAYLIST, 1, crdt.state())));
    assertThat(service.view(PLAYLIST).get().isDeleted()).isTrue();
    session.onClose();
  }
}
