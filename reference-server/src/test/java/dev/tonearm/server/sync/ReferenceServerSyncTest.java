package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.client.SyncStatus;
import dev.tonearm.sync.client.SyncedPlaylist;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playlist sync on the full reference server: the sync listener accepts the access tokens that
 * the API's login issues, rejects others, and two accounts' clients converge on one playlist.
 */
class ReferenceServerSyncTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path directory;

  @Test
  void loginTokens_syncBetweenTwoAccounts() throws Exception {
    try (ReferenceServer server =
        TestServers.builder(directory.resolve("data")).seedDemo(false).build().start()) {
      server.syncService().createPlaylist("road-trip", "u-premium");
      server.syncService().addCollaborator("road-trip", "u-premium", "u-free");
      Tokens premium = Tokens.premium(server.apiUrl());
      Tokens free = Tokens.free(server.apiUrl());
      EventWaiter premiumEvents = new EventWaiter();
      EventWaiter freeEvents = new EventWaiter();

      try (SyncClient premiumClient =
              client(server, "u-premium", premium.accessToken(), premiumEvents);
          SyncClient freeClient = client(server, "u-free", free.accessToken(), freeEvents)) {
        SyncedPlaylist premiumPlaylist = premiumClient.open("road-trip");
        SyncedPlaylist freePlaylist = freeClient.open("road-trip");
        premiumClient.connect();
        freeClient.connect();
        premiumEvents.await(
            "premium synced", () -> premiumClient.status() == SyncStatus.SYNCED, TIMEOUT);
        freeEvents.await("free synced", () -> freeClient.status() == SyncStatus.SYNCED, TIMEOUT);

        premiumPlaylist.add(0, "t-premium");
        freePlaylist.add(0, "t-free");

        premiumEvents.await(
            "premium sees both", () -> premiumPlaylist.trackIds().size() == 2, TIMEOUT);
        freeEvents.await("free sees both", () -> freePlaylist.trackIds().size() == 2, TIMEOUT);
        assertThat(freePlaylist.trackIds()).isEqualTo(premiumPlaylist.trackIds());
        assertThat(premiumPlaylist.trackIds()).containsExactlyInAnyOrder("t-premium", "t-free");
      }
    }
  }

  @Test
  void invalidToken_upgradeRejectedWith401() throws Exception {
    try (ReferenceServer server =
        TestServers.builder(directory.resolve("data")).seedDemo(false).build().start()) {
      OkHttpClient http = new OkHttpClient();
      String url = server.syncUrl().replaceFirst("^ws", "http");
      Request request =
          new Request.Builder().url(url).header("Authorization", "Bearer not-a-token").build();
      AtomicInteger status = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1);

      http.newWebSocket(
          request,
          new WebSocketListener() {
            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
              status.set(response == null ? -1 : response.code());
              done.countDown();
            }

            @Override
            public void onOpen(WebSocket webSocket, Response response) {
              status.set(response.code());
              webSocket.cancel();
              done.countDown();
            }
          });

      assertThat(done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(status.get()).isEqualTo(401);
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private SyncClient client(
      ReferenceServer server, String user, String accessToken, EventWaiter events) {
    return SyncClient.builder(
            server.syncUrl(), ReplicaId.of(user, "laptop"), directory.resolve("client-" + user))
        .accessToken(() -> accessToken)
        .reconnectDelays(20, 200)
        .batchDelayMs(20)
        .listener(events)
        .build();
  }
}
