package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.MutableClock;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.RawWebSocket;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.client.SyncClient;
import dev.tonearm.sync.storage.RecordLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync listener's handling of upgrade requests and frames: expired tokens get the API's
 * {@code TOKEN_EXPIRED}, a connection idle before its upgrade is closed, and an oversized frame
 * gets exactly one close frame. Real servers on loopback, raw sockets.
 */
class SyncListenerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int SOCKET_TIMEOUT_MS = 20_000;

  @TempDir Path directory;

  @Test
  void expiredToken_upgradeGetsTokenExpired() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (ReferenceServer server = expiringServer(clock)) {
      Tokens tokens = Tokens.premium(server.apiUrl());
      clock.advance(Duration.ofHours(2));

      try (RawHttp http = new RawHttp(server.syncUrl().replaceFirst("^ws", "http"))) {
        RawHttp.Response response =
            http.get(URI.create(server.syncUrl()).getPath(), upgradeHeaders(tokens.bearer()));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().at("/error/code").asText()).isEqualTo("TOKEN_EXPIRED");
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
      }
    }
  }

  @Test
  void expiredToken_syncClientReportsTokenExpired() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (ReferenceServer server = expiringServer(clock)) {
      Tokens tokens = Tokens.premium(server.apiUrl());
      clock.advance(Duration.ofHours(2));
      EventWaiter events = new EventWaiter();

      try (SyncClient client =
          SyncClient.builder(
                  server.syncUrl(), ReplicaId.of("u-premium", "laptop"), directory.resolve("c"))
              .accessToken(tokens::accessToken)
              .reconnectDelays(20, 200)
              .listener(events)
              .build()) {
        client.connect();
        events.await("an error", () -> !events.errors().isEmpty(), TIMEOUT);

        assertThat(events.errors().get(0).reason()).isEqualTo(SyncException.Reason.TOKEN_EXPIRED);
      }
    }
  }

  @Test
  void partialRequestHead_closedAfterIdleTimeout() throws Exception {
    try (SyncService service = openService();
        SyncEndpoint endpoint = SyncEndpoint.builder(service, token -> Optional.empty()).build();
        SyncServer server =
            SyncServer.start(
                endpoint,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(),
                Duration.ofMillis(300));
        Socket socket = connect(server.port())) {
      byte[] partialHead = "GET /v1/sync HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(partialHead);

      // The socket timeout bounds the wait; the server must close well before it.
      int read = socket.getInputStream().read();

      assertThat(read).isEqualTo(-1);
    }
  }

  @Test
  void oversizedFrame_getsOneCloseFrame() throws Exception {
    try (SyncService service = openService();
        SyncEndpoint endpoint =
            SyncEndpoint.builder(service, token -> Optional.of("alice")).build();
        SyncServer server =
            SyncServer.start(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        RawWebSocket socket = RawWebSocket.connect(server.port(), SOCKET_TIMEOUT_MS)) {
      assertThat(socket.upgrade("/v1/sync", Map.of("Authorization", "Bearer any")))
          .startsWith("HTTP/1.1 101");
      socket.writeTextFrameHeader(service.limits().maxMessageBytes() + 1L);

      List<RawWebSocket.Frame> closeFrames =
          socket.readUntilClosed().stream().filter(frame -> frame.opcode() == 8).toList();

      assertThat(closeFrames).hasSize(1);
      assertThat(closeFrames.get(0).closeStatus()).isEqualTo(1009);
    }
  }

  private ReferenceServer expiringServer(MutableClock clock) throws Exception {
    return TestServers.builder(directory.resolve("data"))
        .seedDemo(false)
        .clock(clock)
        .accessTokenTtl(Duration.ofHours(1))
        .build()
        .start();
  }

  private SyncService openService() throws SyncException {
    return SyncService.builder(directory.resolve("sync"))
        .fsyncPolicy(RecordLog.FsyncPolicy.NEVER)
        .open();
  }

  private static Map<String, String> upgradeHeaders(String authorization) {
    return Map.of(
        "Authorization", authorization,
        "Upgrade", "websocket",
        "Connection", "Upgrade",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version", "13");
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MS);
    socket.setSoTimeout(SOCKET_TIMEOUT_MS);
    return socket;
  }
}
