package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.client.SyncStatus;
import dev.tonearm.sync.client.SyncedPlaylist;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a sync client running in a child JVM ({@link SyncClientChildMain}) with SIGKILL while it
 * adds tracks, first while it is offline and then while it is online, and checks that a client
 * restarted on the same storage delivers every add the child reported, exactly once.
 */
class SyncClientKillTest {
  private static final String PLAYLIST = "party";

  @TempDir Path directory;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void killedClient_losesNoQueuedEditAfterRestart() throws Exception {
    Random random = new Random(20260110);
    Path storage = directory.resolve("bob");
    TreeSet<Integer> reported = new TreeSet<>();
    try (SyncTestServer server =
            new SyncTestServer(directory.resolve("server"), Clock.systemUTC(), "alice", "bob");
        TcpProxy offline = new TcpProxy(server.server.port())) {
      server.service.createPlaylist(PLAYLIST, "alice");
      server.service.addCollaborator(PLAYLIST, "alice", "bob");
      offline.goOffline();

      reported.addAll(runAndKill(server.urlVia(offline.port()), storage, 1 + random.nextInt(60)));
      reported.addAll(runAndKill(server.url(), storage, 1 + random.nextInt(60)));
      reported.addAll(runAndKill(server.urlVia(offline.port()), storage, 1 + random.nextInt(60)));

      EventWaiter events = new EventWaiter();
      try (SyncClient restarted =
          SyncClient.builder(server.url(), ReplicaId.of("bob", "phone"), storage)
              .accessToken(() -> SyncTestServer.tokenFor("bob"))
              .listener(events)
              .build()) {
        SyncedPlaylist playlist = restarted.open(PLAYLIST);
        restarted.connect();
        events.await(
            "restarted client synced",
            () -> restarted.status() == SyncStatus.SYNCED && playlist.pendingOpCount() == 0,
            Duration.ofSeconds(60));
      }

      List<String> stored = server.service.view(PLAYLIST).get().trackIds();
      List<Integer> indexes = new ArrayList<>();
      for (String track : stored) {
        indexes.add(Integer.parseInt(track.substring("kill-".length())));
      }
      assertThat(indexes).as("stored adds in order, each once").isSorted().doesNotHaveDuplicates();
      assertThat(indexes).containsAll(reported);
      assertThat(indexes.get(indexes.size() - 1)).isLessThanOrEqualTo(reported.last() + 1);
      assertThat(indexes).hasSize(indexes.get(indexes.size() - 1) + 1);
    }
  }

  /** Starts the child, kills it after {@code lines} reported adds, returns every reported add. */
  private List<Integer> runAndKill(String url, Path storage, int lines) throws Exception {
    Process child = start(url, storage);
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("child start-up line").startsWith("READY ");
      while (output.size() < lines && (line = out.readLine()) != null) {
        output.add(line);
      }
      // Through the handle: Process.destroyForcibly() would also close the output pipe.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      while ((line = out.readLine()) != null) {
        output.add(line);
      }
    }
    assertThat(output).as("lines reported before the kill").hasSizeGreaterThanOrEqualTo(lines);
    List<Integer> added = new ArrayList<>();
    for (String line : output) {
      if (line.startsWith("ADDED ") && line.endsWith(" ok")) {
        added.add(Integer.parseInt(line.substring(6, line.length() - 3)));
      }
    }
    return added;
  }

  private Process start(String url, Path storage) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            SyncClientChildMain.class.getName(),
            url,
            storage.toString(),
            "bob",
            "phone",
            PLAYLIST);
    builder.redirectError(directory.resolve("child-stderr.txt").toFile());
    return builder.start();
  }
}
