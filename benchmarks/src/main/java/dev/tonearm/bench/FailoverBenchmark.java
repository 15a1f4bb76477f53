package dev.tonearm.bench;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.player.DecoderFactory;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.CtrDecryptor;
import dev.tonearm.drm.DecryptingByteSource;
import dev.tonearm.drm.DrmException;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;

/**
 * Stall ratio and failover latency of the player under a fixed schedule of single-edge faults, on
 * real loopback sockets against the reference server and its demo catalog.
 *
 * <p>Each scenario plays the demo track "Apex Aleph" at 160 kbit/s into a real-time sink (paced by
 * the wall clock, at 1x) with the default buffer policy and the default 3 s chunk timeout. When the
 * player reaches PLAYING (at least 5 s buffered), one fault rule is set on {@code edge-0}, the edge
 * the player uses first, for every object; playback then goes on for {@code --play-seconds} and
 * stops. The schedule, in order: stall (forever, from the first body byte), reset before the head,
 * HTTP 503, one corrupt byte, a body truncated after 10000 bytes, throughput capped at 20000 B/s,
 * and 1000 ms of added latency.
 *
 * <ul>
 *   <li>Stall ratio: wall time during which the sink waited for a block after playback started,
 *       over the wall time of audio played.
 *   <li>Failover latency: from the start of a request to {@code edge-0} that failed to the first
 *       response body byte of the same range from {@code edge-1}, measured with an OkHttp {@link
 *       EventListener} on the player's own client.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.FailoverBenchmark
 * [--data-dir DIR] [--play-seconds 30]}. A data directory that already contains the demo catalog
 * saves the ingest, which takes about a minute and needs oggenc and oggdec. Without one, a
 * temporary directory is seeded and deleted. Targets: no stall from any single-edge fault while the
 * buffer is above 5 s, and failover from a stalled edge within 3.5 s.
 */
public final class FailoverBenchmark {
  private static final String TRACK = "t-c9d9bdd0c399";
  private static final String ADMIN_TOKEN = "failover-benchmark-admin-token";

  private static final String[][] SCHEDULE = {
    {"stall", "{\"kind\":\"stall\",\"edge\":\"edge-0\"}"},
    {"reset", "{\"kind\":\"reset\",\"edge\":\"edge-0\"}"},
    {"status 503", "{\"kind\":\"status\",\"edge\":\"edge-0\",\"status\":503}"},
    {"corrupt", "{\"kind\":\"corrupt\",\"edge\":\"edge-0\",\"offsets\":[1000]}"},
    {"truncate", "{\"kind\":\"truncate\",\"edge\":\"edge-0\",\"afterBytes\":10000}"},
    {"throttle", "{\"kind\":\"throttle\",\"edge\":\"edge-0\",\"bytesPerS\":20000}"},
    {"latency", "{\"kind\":\"latency\",\"edge\":\"edge-0\",\"latencyMs\":1000}"},
  };

  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = null;
    long playSeconds = 30;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(args[++i]);
        case "--play-seconds" -> playSeconds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path workDir = dataDir != null ? dataDir : Files.createTempDirectory("tonearm-failover-");
    try (ReferenceServer server =
        ReferenceServer.builder()
            .dataDir(workDir)
            .apiPort(0)
            .edgeCount(2)
            .faultInjection(ADMIN_TOKEN)
            .build()
            .start()) {
      System.out.printf(
          Locale.ROOT,
          "%-11s %7s %9s %9s %11s %10s  %s%n",
          "fault",
          "stalls",
          "stall ms",
          "played ms",
          "stall ratio",
          "failovers",
          "failover latency ms (fault to first byte from edge-1)");
      for (String[] scenario : SCHEDULE) {
        runScenario(server, scenario[0], scenario[1], playSeconds);
      }
    } finally {
      if (dataDir == null) {
        deleteTree(workDir);
      }
    }
  }

  private static void runScenario(
      ReferenceServer server, String name, String rule, long playSeconds) throws Exception {
    server.faultInjector().clear();
    RequestTimes times = new RequestTimes();
    OkHttpClient http = new OkHttpClient.Builder().eventListener(times).build();
    TonearmClient client =
        TonearmClient.builder().setBaseUrl(server.apiUrl()).setHttpClient(http).build();
    client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    RealTimeSink sink = new RealTimeSink();
    CountDownLatch playing = new CountDownLatch(1);
    List<String> failovers = Collections.synchronizedList(new ArrayList<>());
    List<PlaybackException> errors = Collections.synchronizedList(new ArrayList<>());
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(vorbisDecoders())
            .setContentDecryption(serverKeyDecryption(server))
            .setQuality(Quality.HIGH)
            .setClock(Clock.SYSTEM)
            .build();
    player.addListener(
        new Player.Listener() {
          @Override
          public void onStateChanged(Player.State state) {
            if (state == Player.State.PLAYING) {
              playing.countDown();
            }
          }

          @Override
          public void onChunkFailover(
              String trackId,
              int chunkIndex,
              String failedEdge,
              String nextEdge,
              PlaybackException error) {
            failovers.add(error.reason());
          }

          @Override
          public void onPlayerError(PlaybackException error) {
            errors.add(error);
          }
        });
    try {
      player.play(TRACK);
      if (!playing.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("playback did not start within 60 s");
      }
      server.faultInjector().addRule(Json.MAPPER.readTree(rule));
      long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(playSeconds);
      while (System.nanoTime() < endNanos && errors.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } finally {
      player.release();
      server.faultInjector().clear();
    }
    List<Long> latencies = times.failoverLatenciesMs(server.edgeUrls());
    double ratio = sink.playedMs() == 0 ? 0 : (double) sink.stallMs() / sink.playedMs();
    System.out.printf(
        Locale.ROOT,
        "%-11s %7d %9d %9d %11.4f %10d  %s%s%n",
        name,
        sink.stallCount(),
        sink.stallMs(),
        sink.playedMs(),
        ratio,
        failovers.size(),
        latencies,
        errors.isEmpty() ? "" : "  error " + errors.get(0).reason());
  }

  /**
   * Decrypts with the content key from the embedded server's key management, so the benchmark
   * measures streaming without the licence round trip that {@code DrmContentDecryption} adds.
   */
  private static ContentDecryption serverKeyDecryption(ReferenceServer server) {
    return (manifest, rendition, ciphertext) -> {
      try (dev.tonearm.server.drm.ContentKey serverKey =
          server.keyManagement().contentKey(rendition.encryption().keyId())) {
        ContentKey key = new ContentKey(serverKey.keyId(), serverKey.keyBytes(), Long.MAX_VALUE);
        byte[] iv = CtrDecryptor.parseIv(rendition.encryption().iv());
        return new DecryptingByteSource(ciphertext, new CtrDecryptor(key, iv));
      } catch (DrmServiceException | DrmException e) {
        throw new PlaybackException(
            PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED, "no content key: " + e.getMessage(), e);
      }
    };
  }

  private static DecoderFactory vorbisDecoders() {
    return (codec, source) -> {
      if (!"vorbis".equals(codec)) {
        throw new DecoderException(
            DecoderException.Reason.UNSUPPORTED_FORMAT, "benchmark decodes vorbis only: " + codec);
      }
      return new VorbisDecoder(source);
    };
  }

  /**
   * Start and first-body-byte times of every edge request, by edge and {@code Range}. Thread-safe.
   */
  private static final class RequestTimes extends EventListener {
    private final Map<Call, long[]> calls = new ConcurrentHashMap<>();
    private final List<Object[]> finished = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void callStart(Call call) {
      calls.put(call, new long[] {System.nanoTime(), -1});
    }

    @Override
    public void responseBodyStart(Call call) {
      long[] time = calls.get(call);
      if (time != null) {
        time[1] = System.nanoTime();
      }
    }

    @Override
    public void callEnd(Call call) {
      record(call);
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      record(call);
    }

    private void record(Call call) {
      long[] time = calls.remove(call);
      String range = call.request().header("Range");
      if (time == null || range == null) {
        return;
      }
      String edge =
          call.request().url().scheme()
              + "://"
              + call.request().url().host()
              + ":"
              + call.request().url().port();
      finished.add(new Object[] {edge, range, time[0], time[1]});
    }

    /**
     * For each range that was requested from the first edge and then again from the second, the
     * time from the first request's start to the second's first body byte. The loader requests a
     * range from the second edge only after the first failed it (an error status, a failed transfer
     * or a digest mismatch), so each such pair is one failover. The second request may start later
     * in the chunk, because the loader keeps the bytes that arrived, so ranges match by their end.
     */
    List<Long> failoverLatenciesMs(List<String> edgeUrls) {
      List<Object[]> copy;
      synchronized (finished) {
        copy = new ArrayList<>(finished);
      }
      copy.sort((a, b) -> Long.compare((long) a[2], (long) b[2]));
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < copy.size(); i++) {
        Object[] failed = copy.get(i);
        if (!failed[0].equals(edgeUrls.get(0))) {
          continue;
        }
        for (int j = i + 1; j < copy.size(); j++) {
          Object[] retry = copy.get(j);
          if (retry[0].equals(edgeUrls.get(1))
              && rangeEnd((String) retry[1]).equals(rangeEnd((String) failed[1]))
              && (long) retry[3] > 0) {
            latencies.add(((long) retry[3] - (long) failed[2]) / 1_000_000);
            break;
          }
        }
      }
      return latencies;
    }
  }

  /** Returns the last byte of a {@code bytes=FIRST-LAST} range header, as text. */
  private static String rangeEnd(String range) {
    return range.substring(range.indexOf('-') + 1);
  }

  /**
   * A real-time sink that discards samples, modelling a device with a 0.2 s buffer: each write
   * returns when at most 0.2 s of written audio remains unplayed. A write that arrives after the
   * device played everything is a stall, and its delay is stall time. Called on the playback
   * thread, and read after the player is released.
   */
  private static final class RealTimeSink implements AudioSink {
    /** Audio that the device keeps queued ahead of playback, like a hardware buffer: 0.2 s. */
    private static final double DEVICE_BUFFER_SECONDS = 0.2;

    private PcmFormat format;
    private long startNanos = -1;
    private double playedSeconds;
    private long stallCount;
    private long stallNanos;

    @Override
    public synchronized void open(PcmFormat format) {
      this.format = format;
    }

    @Override
    public void write(int[] samples, int frames) throws IOException {
      long waitNanos;
      synchronized (this) {
        long now = System.nanoTime();
        if (startNanos < 0) {
          startNanos = now;
        }
        // The device has played everything written so far at this time: later is an underrun.
        long emptyAtNanos = startNanos + (long) (playedSeconds * 1e9);
        if (now > emptyAtNanos) {
          stallCount++;
          stallNanos += now - emptyAtNanos;
          startNanos += now - emptyAtNanos;
        }
        playedSeconds += (double) frames / format.sampleRateHz();
        waitNanos =
            startNanos + (long) ((playedSeconds - DEVICE_BUFFER_SECONDS) * 1e9) - System.nanoTime();
      }
      if (waitNanos > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(waitNanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("real-time write interrupted");
        }
      }
    }

    @Override
    public void drain() {}

    @Override
    public boolean isRealTime() {
      return true;
    }

    @Override
    public void close() {}

    synchronized long stallCount() {
      return stallCount;
    }

    synchronized long stallMs() {
      return stallNanos / 1_000_000;
    }

    synchronized long playedMs() {
      return (long) (playedSeconds * 1000);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Collections.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
