package dev.tonearm.server.sync;

import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.client.SyncedPlaylist;
import java.io.PrintStream;
import java.nio.file.Paths;

/**
 * Child process of {@link SyncClientKillTest}: a sync client that appends tracks {@code kill-N} to
 * a playlist without end and prints {@code ADDED N ok} after each add returned, until the parent
 * kills it. N continues after the largest N already in the local replica.
 *
 * <p>Arguments: endpoint URL, storage directory, user id, device id, playlist id.
 */
public final class SyncClientChildMain {
  private static final int MAX_ADDS = 100_000;

  private SyncClientChildMain() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[2];
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    SyncClient client =
        SyncClient.builder(url, ReplicaId.of(user, args[3]), Paths.get(args[1]))
            .accessToken(() -> SyncTestServer.tokenFor(user))
            .reconnectDelays(20, 200)
            .batchDelayMs(5)
            .build();
    SyncedPlaylist playlist = client.open(args[4]);
    client.connect();
    int next = 0;
    for (String track : playlist.trackIds()) {
      if (track.startsWith("kill-")) {
        next = Math.max(next, Integer.parseInt(track.substring(5)) + 1);
      }
    }
    out.println("READY " + next);
    for (int i = next; i < next + MAX_ADDS; i++) {
      playlist.add(playlist.size(), "kill-" + i);
      out.println("ADDED " + i + " ok");
    }
    client.close();
  }
}
