package dev.tonearm.server.sync;

import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.storage.RecordLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Real sync server on loopback for tests: a {@link SyncService} over a directory, the WebSocket
 * endpoint and a stand-alone Netty server. Tokens are {@code "token-" + userId}.
 */
final class SyncTestServer implements AutoCloseable {
  final SyncService service;
  final SyncEndpoint endpoint;
  final SyncServer server;
  private final Map<String, String> users = new HashMap<>();

  SyncTestServer(Path directory, Clock clock, String... userIds)
      throws SyncException, InterruptedException {
    for (String user : userIds) {
      users.put(tokenFor(user), user);
    }
    service =
        SyncService.builder(directory).clock(clock).fsyncPolicy(RecordLog.FsyncPolicy.NEVER).open();
    endpoint =
        SyncEndpoint.builder(service, token -> Optional.ofNullable(users.get(token))).build();
    server = SyncServer.start(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  static String tokenFor(String userId) {
    return "token-" + userId;
  }

  String url() {
    return server.uri().toString();
  }

  /** Returns the endpoint URL as reached through a proxy listening on {@code port}. */
  String urlVia(int port) {
    return "ws://127.0.0.1:" + port + endpoint.path();
  }

  @Override
  public void close() throws Exception {
    server.close();
    endpoint.close();
    service.close();
  }
}
