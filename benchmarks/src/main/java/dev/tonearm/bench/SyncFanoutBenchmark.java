package dev.tonearm.bench;

import dev.tonearm.server.sync.SyncEndpoint;
import dev.tonearm.server.sync.SyncLimits;
import dev.tonearm.server.sync.SyncServer;
import dev.tonearm.server.sync.SyncService;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.SyncProtocol;
import dev.tonearm.sync.storage.RecordLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Server fan-out: one writer sends operations to a playlist with many subscribers over loopback
 * WebSockets, and the server merges, stores and broadcasts each request to every subscriber.
 *
 * <p>Measures the time from the first send until every subscriber has received every operation, and
 * reports merged operations per second and delivered operations per second (merged times
 * subscribers). Bounded: a fixed number of operations, and a 120 s limit after which it fails.
 * Client and server share the JVM and the machine, so the figure is for the whole loop.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.SyncFanoutBenchmark
 * [subscribers=100] [ops=2000] [opsPerRequest=1] [fsync=NEVER] [rounds=3]}. Each round uses a new
 * playlist and new connections; the first round warms the JVM up and is reported too.
 */
public final class SyncFanoutBenchmark {
  private static final String PLAYLIST_PREFIX = "fanout-";
  private static final int MAX_UNACKED_REQUESTS = 32;
  private static final long TIME_LIMIT_S = 120;

  private SyncFanoutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int opsPerRequest = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    RecordLog.FsyncPolicy fsync =
        RecordLog.FsyncPolicy.valueOf(args.length > 3 ? args[3] : "NEVER");
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    Path directory = Files.createTempDirectory("tonearm-fanout");
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(0, TimeUnit.MILLISECONDS).build();
    http.dispatcher().setMaxRequestsPerHost(subscribers + 1);
    http.dispatcher().setMaxRequests(subscribers + 1);
    try (SyncService service =
            SyncService.builder(directory)
                .fsyncPolicy(fsync)
                .limits(SyncLimits.builder().maxEntries(ops + 1).build())
                .open();
        SyncEndpoint endpoint =
            SyncEndpoint.builder(service, token -> Optional.of(token)).build()) {
      SyncServer server =
          SyncServer.start(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        for (int round = 0; round < rounds; round++) {
          String playlist = PLAYLIST_PREFIX + round;
          service.createPlaylist(playlist, "writer");
          for (int i = 0; i < subscribers; i++) {
            service.addCollaborator(playlist, "writer", "reader-" + i);
          }
          System.out.printf("round %d: ", round);
          run(http, server, playlist, subscribers, ops, opsPerRequest, fsync);
        }
      } finally {
        server.close();
      }
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      deleteRecursively(directory);
    }
  }

  private static void run(
      OkHttpClient http,
      SyncServer server,
      String playlist,
      int subscriberCount,
      int ops,
      int opsPerRequest,
      RecordLog.FsyncPolicy fsync)
      throws Exception {
    CountDownLatch subscribed = new CountDownLatch(subscriberCount + 1);
    CountDownLatch delivered = new CountDownLatch(subscriberCount);
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < subscriberCount; i++) {
      sockets.add(
          http.newWebSocket(
              request(server, "reader-" + i),
              new Subscriber(
                  playlist, ReplicaId.of("reader-" + i, "bench"), ops, subscribed, delivered)));
    }
    Semaphore window = new Semaphore(MAX_UNACKED_REQUESTS);
    Writer writer = new Writer(playlist, subscribed, window);
    WebSocket writerSocket = http.newWebSocket(request(server, "writer"), writer);
    if (!subscribed.await(TIME_LIMIT_S, TimeUnit.SECONDS)) {
      throw new IllegalStateException("subscribers did not connect within " + TIME_LIMIT_S + " s");
    }

    PlaylistCrdt replica = PlaylistCrdt.create(ReplicaId.of("writer", "bench"));
    long startNs = System.nanoTime();
    long requestId = 0;
    for (int sent = 0; sent < ops; ) {
      VersionVector before = replica.version();
      int batch = Math.min(opsPerRequest, ops - sent);
      for (int k = 0; k < batch; k++) {
        replica.add(replica.size(), "t-" + (sent + k));
      }
      List<Op> created = replica.delta(before);
      if (!window.tryAcquire(TIME_LIMIT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no acknowledgement within " + TIME_LIMIT_S + " s");
      }
      writerSocket.send(SyncProtocol.toText(SyncProtocol.ops(playlist, ++requestId, created)));
      sent += batch;
    }
    if (!delivered.await(TIME_LIMIT_S, TimeUnit.SECONDS)) {
      throw new IllegalStateException("delivery did not finish within " + TIME_LIMIT_S + " s");
    }
    double seconds = (System.nanoTime() - startNs) / 1e9;
    System.out.printf(
        "fan-out: %d subscribers, %d ops in requests of %d, fsync %s: %.2f s, "
            + "%.0f ops/s merged, %.0f ops/s delivered, %d errors%n",
        subscriberCount,
        ops,
        opsPerRequest,
        fsync,
        seconds,
        ops / seconds,
        ops * (double) subscriberCount / seconds,
        writer.errors.get());
    writerSocket.close(1000, null);
    for (WebSocket socket : sockets) {
      socket.close(1000, null);
    }
    // Each playlist is used once; later rounds create their own.
  }

  private static Request request(SyncServer server, String user) {
    return new Request.Builder()
        .url(server.uri().toString())
        .header("Authorization", "Bearer " + user)
        .build();
  }

  /** Subscribes and counts the operations in update messages. */
  private static final class Subscriber extends WebSocketListener {
    private final String playlist;
    private final ReplicaId replica;
    private final int expectedOps;
    private final CountDownLatch subscribed;
    private final CountDownLatch delivered;
    private long received;

    Subscriber(
        String playlist,
        ReplicaId replica,
        int expectedOps,
        CountDownLatch subscribed,
        CountDownLatch delivered) {
      this.playlist = playlist;
      this.replica = replica;
      this.expectedOps = expectedOps;
      this.subscribed = subscribed;
      this.delivered = delivered;
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
      if (text.startsWith("{\"type\":\"hello\"")) {
        socket.send(
            SyncProtocol.toText(SyncProtocol.subscribe(playlist, replica, VersionVector.EMPTY)));
      } else if (text.startsWith("{\"type\":\"snapshot\"")) {
        subscribed.countDown();
      } else if (text.startsWith("{\"type\":\"update\"")) {
        received += occurrences(text, "\"kind\":\"add\"");
        if (received == expectedOps) {
          delivered.countDown();
        }
      }
    }
  }

  /** Subscribes the writer and releases a window slot per acknowledgement. */
  private static final class Writer extends WebSocketListener {
    final AtomicLong errors = new AtomicLong();
    private final String playlist;
    private final CountDownLatch subscribed;
    private final Semaphore window;

    Writer(String playlist, CountDownLatch subscribed, Semaphore window) {
      this.playlist = playlist;
      this.subscribed = subscribed;
      this.window = window;
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
      if (text.startsWith("{\"type\":\"hello\"")) {
        socket.send(
            SyncProtocol.toText(
                SyncProtocol.subscribe(
                    playlist, ReplicaId.of("writer", "bench"), VersionVector.EMPTY)));
      } else if (text.startsWith("{\"type\":\"snapshot\"")) {
        subscribed.countDown();
      } else if (text.startsWith("{\"type\":\"ack\"")) {
        window.release();
      } else if (text.startsWith("{\"type\":\"error\"")) {
        errors.incrementAndGet();
        System.err.println("server error: " + text);
        window.release();
      }
    }
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
