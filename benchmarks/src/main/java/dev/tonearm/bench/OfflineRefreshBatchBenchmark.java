package dev.tonearm.bench;

import dev.tonearm.server.offline.FileOfflineStore;
import dev.tonearm.server.offline.InMemoryOfflineStore;
import dev.tonearm.server.offline.KeyDelivery;
import dev.tonearm.server.offline.OfflineHttpApi;
import dev.tonearm.server.offline.OfflineService;
import dev.tonearm.server.offline.OfflineStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Time per batch refresh of one device holding 10,000 licences, in-process.
 *
 * <p>Variants: keys wrapped with RSA-OAEP-2048 or returned precomputed, state in memory or in
 * files, and the service called directly or through its JSON layer. Each variant runs a fixed
 * number of warm-up and measured refreshes, so the run is bounded.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.OfflineRefreshBatchBenchmark [tracks] [iterations]}.
 */
public final class OfflineRefreshBatchBenchmark {
  private static final String ACCOUNT = "u-bench";
  private static final String DEVICE = "d-bench";

  private OfflineRefreshBatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tracks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmup = Math.max(2, iterations / 3);
    System.out.printf(
        Locale.ROOT,
        "Batch refresh of %d licences; %d warm-up and %d measured refreshes per variant; %d"
            + " cores%n",
        tracks,
        warmup,
        iterations,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-8s %-7s %-6s %10s %10s %10s %12s%n",
        "issuer",
        "store",
        "layer",
        "min ms",
        "median ms",
        "max ms",
        "keys/s");
    Path dataDir = Files.createTempDirectory("offline-bench");
    for (OfflineBenchFixture.Issuer issuer : OfflineBenchFixture.Issuer.values()) {
      for (String storeKind : new String[] {"memory", "file"}) {
        for (String layer : new String[] {"direct", "json"}) {
          OfflineStore store =
              storeKind.equals("memory")
                  ? new InMemoryOfflineStore()
                  : new FileOfflineStore(Files.createTempDirectory(dataDir, storeKind));
          run(issuer, storeKind, store, layer, tracks, warmup, iterations);
        }
      }
    }
  }

  private static void run(
      OfflineBenchFixture.Issuer issuer,
      String storeKind,
      OfflineStore store,
      String layer,
      int tracks,
      int warmup,
      int iterations)
      throws Exception {
    OfflineBenchFixture fixture = new OfflineBenchFixture();
    fixture.addPremiumAccount(ACCOUNT, List.of(DEVICE));
    OfflineService service = fixture.service(store, issuer);
    OfflineHttpApi api = new OfflineHttpApi(service);
    List<String> trackIds = OfflineBenchFixture.trackIds(tracks);
    service.registerDevice(ACCOUNT, DEVICE, "Bench phone");
    service.authoriseDownloads(ACCOUNT, DEVICE, trackIds);
    byte[] body =
        ("{\"heldTrackIds\":[\"" + String.join("\",\"", trackIds) + "\"]}")
            .getBytes(StandardCharsets.UTF_8);

    List<Double> timesMs = new ArrayList<>();
    for (int i = 0; i < warmup + iterations; i++) {
      long start = System.nanoTime();
      int keys;
      if (layer.equals("direct")) {
        KeyDelivery delivery = service.refreshLicences(ACCOUNT, DEVICE, trackIds);
        keys = delivery.keys().size();
      } else {
        OfflineHttpApi.Response response = api.refreshLicences(ACCOUNT, DEVICE, body);
        if (response.status() != 200) {
          throw new IllegalStateException("refresh failed: " + response.status());
        }
        keys = tracks;
      }
      double elapsedMs = (System.nanoTime() - start) / 1e6;
      if (keys != tracks) {
        throw new IllegalStateException("expected " + tracks + " keys, got " + keys);
      }
      if (i >= warmup) {
        timesMs.add(elapsedMs);
      }
    }
    Collections.sort(timesMs);
    double median = timesMs.get(timesMs.size() / 2);
    System.out.printf(
        Locale.ROOT,
        "%-8s %-7s %-6s %10.1f %10.1f %10.1f %12.0f%n",
        issuer,
        storeKind,
        layer,
        timesMs.get(0),
        median,
        timesMs.get(timesMs.size() - 1),
        tracks / (median / 1000));
  }
}
