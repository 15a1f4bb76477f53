package dev.tonearm.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tonearm.server.offline.InMemoryOfflineStore;
import dev.tonearm.server.offline.OfflineHttpApi;
import dev.tonearm.server.offline.OfflineService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refresh storm: many devices refresh their licences at once over loopback HTTP.
 *
 * <p>A small HTTP front (the JDK's {@code com.sun.net.httpserver}, a fixed thread pool) serves
 * {@code POST /v1/offline/devices/{deviceId}/refresh} through {@link OfflineHttpApi}; the account
 * comes from an {@code X-Account-Id} header in place of the access token. Client threads send one
 * refresh per device, all released together. Reports throughput and latency percentiles, and how
 * the server's expiry jitter spreads the devices' next expiries compared with the storm itself.
 * Bounded by the device count and a wall-clock cap.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.OfflineRefreshStormBenchmark [devices] [tracksPerDevice] [clients] [RSA|FIXED]
 * [capSeconds]}.
 */
public final class OfflineRefreshStormBenchmark {
  private static final int DEVICES_PER_ACCOUNT = 5;
  private static final Pattern ROUTE = Pattern.compile("^/v1/offline/devices/([^/]+)/refresh$");
  private static final Pattern EXPIRES = Pattern.compile("\"expiresAtMs\":(\\d+)");

  private OfflineRefreshStormBenchmark() {}

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int tracksPerDevice = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    OfflineBenchFixture.Issuer issuer =
        args.length > 3
            ? OfflineBenchFixture.Issuer.valueOf(args[3])
            : OfflineBenchFixture.Issuer.FIXED;
    long capSeconds = args.length > 4 ? Long.parseLong(args[4]) : 120;

    OfflineBenchFixture fixture = new OfflineBenchFixture();
    OfflineService service = fixture.service(new InMemoryOfflineStore(), issuer);
    List<String> trackIds = OfflineBenchFixture.trackIds(tracksPerDevice);
    List<String[]> accountDevice = new ArrayList<>();
    for (int account = 0; account * DEVICES_PER_ACCOUNT < devices; account++) {
      String accountId = "u-" + account;
      List<String> deviceIds = new ArrayList<>();
      for (int d = 0; d < DEVICES_PER_ACCOUNT && accountDevice.size() < devices; d++) {
        String deviceId = "d-" + account + "-" + d;
        deviceIds.add(deviceId);
        accountDevice.add(new String[] {accountId, deviceId});
      }
      fixture.addPremiumAccount(accountId, deviceIds);
      for (String deviceId : deviceIds) {
        service.registerDevice(accountId, deviceId, null);
        service.authoriseDownloads(accountId, deviceId, trackIds);
      }
    }
    byte[] body =
        ("{\"heldTrackIds\":[\"" + String.join("\",\"", trackIds) + "\"]}")
            .getBytes(StandardCharsets.UTF_8);

    int serverThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    ExecutorService serverPool = Executors.newFixedThreadPool(serverThreads);
    OfflineHttpApi api = new OfflineHttpApi(service);
    server.createContext("/v1/offline/devices/", exchange -> handle(api, exchange));
    server.setExecutor(serverPool);
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();

    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(4))
            .build();
    ExecutorService clientPool = Executors.newFixedThreadPool(clients);
    long[] latenciesNs = new long[accountDevice.size()];
    long[] expiries = new long[accountDevice.size()];
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      clientPool.execute(
          () -> {
            try {
              start.await();
              int index;
              while ((index = next.getAndIncrement()) < accountDevice.size()) {
                String[] pair = accountDevice.get(index);
                HttpRequest request =
                    HttpRequest.newBuilder(
                            URI.create(base + "/v1/offline/devices/" + pair[1] + "/refresh"))
                        .header("X-Account-Id", pair[0])
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(capSeconds))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                long sent = System.nanoTime();
                HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString());
                latenciesNs[index] = System.nanoTime() - sent;
                Matcher expiry = EXPIRES.matcher(response.body());
                if (response.statusCode() != 200 || !expiry.find()) {
                  errors.incrementAndGet();
                } else {
                  expiries[index] = Long.parseLong(expiry.group(1));
                }
              }
            } catch (IOException | InterruptedException e) {
              errors.incrementAndGet();
            } finally {
              done.countDown();
            }
          });
    }
    long startNs = System.nanoTime();
    start.countDown();
    boolean finished = done.await(capSeconds, TimeUnit.SECONDS);
    double elapsedS = (System.nanoTime() - startNs) / 1e9;
    clientPool.shutdownNow();
    server.stop(0);
    serverPool.shutdownNow();

    List<Long> measured = new ArrayList<>();
    for (long latency : latenciesNs) {
      if (latency > 0) {
        measured.add(latency);
      }
    }
    Collections.sort(measured);
    System.out.printf(
        Locale.ROOT,
        "Refresh storm: %d devices x %d licences, %d client threads, %d server threads, issuer %s,"
            + " %d cores%n",
        accountDevice.size(),
        tracksPerDevice,
        clients,
        serverThreads,
        issuer,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "completed %d of %d in %.2f s%s, errors %d%n",
        measured.size(),
        accountDevice.size(),
        elapsedS,
        finished ? "" : " (stopped at the cap)",
        errors.get());
    System.out.printf(
        Locale.ROOT,
        "throughput %.0f refreshes/s, %.0f keys/s%n",
        measured.size() / elapsedS,
        measured.size() * (double) tracksPerDevice / elapsedS);
    System.out.printf(
        Locale.ROOT,
        "latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n",
        percentileMs(measured, 0.50),
        percentileMs(measured, 0.90),
        percentileMs(measured, 0.99),
        percentileMs(measured, 1.0));
    reportExpirySpread(expiries, elapsedS);
    System.exit(0);
  }

  private static void handle(OfflineHttpApi api, HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher route = ROUTE.matcher(exchange.getRequestURI().getPath());
      String accountId = exchange.getRequestHeaders().getFirst("X-Account-Id");
      if (!"POST".equals(exchange.getRequestMethod()) || !route.matches() || accountId == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(OfflineHttpApi.MAX_BODY_BYTES + 1);
      }
      OfflineHttpApi.Response response = api.refreshLicences(accountId, route.group(1), body);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  private static double percentileMs(List<Long> sortedNs, double percentile) {
    if (sortedNs.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(percentile * sortedNs.size()) - 1;
    return sortedNs.get(Math.max(0, Math.min(sortedNs.size() - 1, index))) / 1e6;
  }

  /** Compares the busiest hour of next expiries with jitter to the storm's own duration. */
  private static void reportExpirySpread(long[] expiries, double stormSeconds) {
    TreeMap<Long, Integer> perHour = new TreeMap<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int count = 0;
    for (long expiry : expiries) {
      if (expiry == 0) {
        continue;
      }
      count++;
      min = Math.min(min, expiry);
      max = Math.max(max, expiry);
      perHour.merge(expiry / 3_600_000L, 1, Integer::sum);
    }
    int busiest = perHour.values().stream().max(Integer::compare).orElse(0);
    System.out.printf(
        Locale.ROOT,
        "next expiries: spread over %.1f days in %d hours; busiest hour holds %d of %d devices"
            + " (without jitter all %d would expire within %.1f s)%n",
        (max - min) / 86_400_000.0,
        perHour.size(),
        busiest,
        count,
        count,
        stormSeconds);
  }
}
