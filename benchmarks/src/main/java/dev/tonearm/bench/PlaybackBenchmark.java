package dev.tonearm.bench;

import dev.tonearm.core.api.InMemoryTokenStore;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.sink.NullSink;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.drm.SigningKeyInfo;
import dev.tonearm.testing.Corpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;

/**
 * End-to-end playback figures over loopback: time to first audio, the join between two queued
 * tracks, CPU time per minute of playback and heap, with an embedded {@link ReferenceServer} and
 * the SDK {@code Player} at {@code Quality.VERY_HIGH} (the 320 kbps Vorbis rendition).
 *
 * <p>The server encrypts every rendition, so each player has a decryption stage with a device key
 * store ({@link DeviceDrm}), as an app has.
 *
 * <ul>
 *   <li>Cold start: {@code play()} to the entry of the first sink {@code write} with frames, for a
 *       new {@code Player} and a new empty {@link StreamCache} folder, with the logged-in session's
 *       tokens. Three series differ in what else is new: a new device and a new {@code
 *       OkHttpClient}, so the play registers the device, requests a licence and opens its
 *       connections; a new {@code OkHttpClient} with the shared device's stored licence; or
 *       neither. The first play in the JVM, with a new device, is reported apart.
 *   <li>Transition: a new player plays the first two demo tracks into a {@link TransitionProbe},
 *       which finds the gap in frames at the join and the time from the first track's last frame to
 *       the second's first. The paced series runs as fast as possible until the last {@code
 *       --pace-lead-seconds} of the first track and then like a device at {@code --pace-speed}
 *       times real time, so the prefetch gets a tenth of the wall-clock time that a real-time
 *       device gives it. The unpaced series never waits. A transition counts as prefetched when the
 *       second track's decoder was created before the first track's last frame was written.
 *   <li>Steady state: child JVMs running {@link SteadyStatePlayback} against this server, so that
 *       CPU time and heap belong to the client alone. The player keeps up to {@code
 *       ChunkLoader.DEFAULT_MAX_RETAINED_BYTES} (16 MiB) of a track's chunks in memory, so the heap
 *       grows with track length up to that limit. A last series therefore ingests a long track, the
 *       corpus file {@value #LONG_TRACK_SOURCE} repeated {@code --long-track-repeats} times with
 *       {@code sox} (about 28 MB at 320 kbps for 2 repeats), and plays it alone.
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.PlaybackBenchmark
 * [--plays 50] [--warmup 3] [--transition-plays 50] [--unpaced-transition-plays 10] [--pace-speed
 * 10] [--pace-lead-seconds 40] [--device-buffer-ms 1000] [--heap-limits-mb 32,24,16]
 * [--long-track-repeats 2] [--max-minutes 30] [--data-dir DIR]}. Without {@code --data-dir} the
 * server seeds a temporary folder, which needs {@code oggenc}, and deletes it at the end. Each
 * series stops early, saying so, when the time budget runs out. Only loopback addresses are used.
 */
public final class PlaybackBenchmark {
  private static final long CACHE_MAX_BYTES = 64L * 1024 * 1024;
  private static final long FIRST_FRAME_TIMEOUT_MS = 30_000;
  private static final long TRANSITION_TIMEOUT_MS = 5 * 60_000;
  private static final long CHILD_TIMEOUT_MS = 15 * 60_000;
  private static final long RENDITION_EVENT_TIMEOUT_MS = 1_000;
  private static final int HEAD_FRAMES = 2048;
  private static final double CHILD_PACE_SPEED = 10;
  private static final int CHILD_FAST_ROUNDS = 3;
  private static final long CHILD_GC_SAMPLE_MS = 1_000;

  /**
   * Device limit of the demo account on the benchmark's server, because every new-device play
   * registers a device. Production servers keep their own limit.
   */
  private static final int MAX_DEVICES = 1_000;

  /** Corpus file (348 s, 48 kHz stereo) repeated into the long track. */
  private static final String LONG_TRACK_SOURCE = "music/singularity-media-threat.ogg";

  private final Options options;
  private final long deadlineNanos;
  private final Path work;
  private ReferenceServer server;
  private InMemoryTokenStore tokens;
  private TonearmClient sharedClient;
  private SigningKeyInfo signingKey;
  private DrmContentDecryption sharedDrm;
  private List<String> trackIds;
  private ReferencePcm reference;

  private PlaybackBenchmark(Options options, Path work) {
    this.options = options;
    this.work = work;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MINUTES.toNanos(options.maxMinutes);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Options options = Options.parse(args);
    Path work = Files.createTempDirectory("tonearm-playback-bench");
    try {
      new PlaybackBenchmark(options, work).run();
    } finally {
      deleteTree(work);
    }
  }

  private void run() throws Exception {
    printEnvironment();
    Path dataDir = options.dataDir != null ? options.dataDir : work.resolve("server");
    long startNanos = System.nanoTime();
    server =
        ReferenceServer.builder()
            .dataDir(dataDir)
            .apiPort(0)
            .edgeCount(2)
            .passwordHashIterations(1_000)
            .accessTokenTtl(Duration.ofHours(4))
            .maxDevicesPerAccount(MAX_DEVICES)
            .build()
            .start();
    try {
      System.out.printf(
          Locale.ROOT,
          "server: started in %.1f s at %s, edges %s%n",
          (System.nanoTime() - startNanos) / 1e9,
          server.apiUrl(),
          server.edgeUrls());
      tokens = new InMemoryTokenStore();
      sharedClient =
          TonearmClient.builder().setBaseUrl(server.apiUrl()).setTokenStore(tokens).build();
      sharedClient.login(
          ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
      trackIds = sharedClient.demoPlaylist().trackIds().subList(0, 2);
      signingKey = server.keyManagement().signingKey();
      sharedDrm = openDevice(sharedClient);

      ColdPlay first = playCold(ColdMode.NEW_DEVICE);
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "first play in this JVM (new device, connections, player and cache): first audio"
              + " %.1f ms, decoder created %.1f ms%n",
          first.firstAudioNanos / 1e6,
          first.decoderOpenNanos / 1e6);

      prepareReference();
      for (ColdMode mode : ColdMode.values()) {
        runColdSeries(mode);
      }
      runTransitionSeries("transition, paced", true, options.transitionPlays);
      runTransitionSeries("transition, unpaced", false, options.unpacedTransitionPlays);
      runSteadyState();
    } finally {
      server.close();
    }
  }

  private void prepareReference() throws IOException {
    Manifest first = sharedClient.manifest(trackIds.get(0));
    Manifest second = sharedClient.manifest(trackIds.get(1));
    Rendition firstRendition = vorbis320(first);
    Rendition secondRendition = vorbis320(second);
    reference =
        ReferencePcm.decode(
            server,
            sharedClient,
            first,
            firstRendition,
            second,
            secondRendition,
            work,
            HEAD_FRAMES);
    System.out.printf(
        Locale.ROOT,
        "tracks: %s (%.1f s, %d bytes) then %s (%.1f s, %d bytes), %d kbps Vorbis, %s;"
            + " second track audible from frame %d%n",
        first.trackId(),
        reference.firstTrackFrames() / (double) reference.format().sampleRateHz(),
        firstRendition.sizeBytes(),
        second.trackId(),
        second.durationMs() / 1000.0,
        secondRendition.sizeBytes(),
        firstRendition.bitrateKbps(),
        reference.format(),
        reference.secondTrackHeadOffsetFrames());
  }

  private static Rendition vorbis320(Manifest manifest) throws IOException {
    for (Rendition rendition : manifest.renditions()) {
      if (Rendition.CODEC_VORBIS.equals(rendition.codec()) && rendition.bitrateKbps() == 320) {
        return rendition;
      }
    }
    throw new IOException(
        "track " + manifest.trackId() + " has no 320 kbps Vorbis rendition; is oggenc installed?");
  }

  // Cold start.

  /** Starting state of a cold play, besides a new player and a new empty stream cache. */
  private enum ColdMode {
    /**
     * A new device (key store) and a new HTTP client: the play registers the device and requests a
     * licence over new connections, as on the first play after installing an app.
     */
    NEW_DEVICE("cold start, new device and connections"),
    /** The shared device, which stores the licence, and a new HTTP client: an app restart. */
    STORED_LICENCE_NEW_CONNECTIONS("cold start, stored licence, new connections"),
    /** The shared device and the shared HTTP client with its open connections. */
    STORED_LICENCE_OPEN_CONNECTIONS("cold start, stored licence, open connections");

    final String title;

    ColdMode(String title) {
      this.title = title;
    }
  }

  private record ColdPlay(long firstAudioNanos, long decoderOpenNanos, int bitrateKbps) {}

  private void runColdSeries(ColdMode mode) throws Exception {
    String title = mode.title;
    for (int i = 0; i < options.warmup && !outOfTime(); i++) {
      playCold(mode);
    }
    List<ColdPlay> plays = new ArrayList<>();
    while (plays.size() < options.plays && !outOfTime()) {
      plays.add(playCold(mode));
    }
    long[] firstAudio = plays.stream().mapToLong(ColdPlay::firstAudioNanos).sorted().toArray();
    long[] ready = plays.stream().mapToLong(ColdPlay::decoderOpenNanos).sorted().toArray();
    long other = plays.stream().filter(p -> p.bitrateKbps != 320).count();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%s: %d plays after %d warm-up plays%s%n",
        title,
        plays.size(),
        options.warmup,
        plays.size() < options.plays ? " (time budget reached)" : "");
    printDistribution("  play() to first frame at the sink", firstAudio);
    printDistribution("  play() to decoder creation (manifest and licence ready)", ready);
    System.out.printf(Locale.ROOT, "  plays on a rendition other than 320 kbps: %d%n", other);
  }

  /** Plays the first demo track until its first frame reaches the sink. */
  private ColdPlay playCold(ColdMode mode) throws Exception {
    Path cacheDir = Files.createTempDirectory(work, "cache-");
    boolean newConnections = mode != ColdMode.STORED_LICENCE_OPEN_CONNECTIONS;
    OkHttpClient http = newConnections ? new OkHttpClient() : null;
    Path deviceDir = null;
    try (StreamCache cache = StreamCache.open(cacheDir, CACHE_MAX_BYTES)) {
      TonearmClient client =
          newConnections
              ? TonearmClient.builder()
                  .setBaseUrl(server.apiUrl())
                  .setHttpClient(http)
                  .setTokenStore(tokens)
                  .build()
              : sharedClient;
      ContentDecryption decryption = sharedDrm;
      if (mode == ColdMode.NEW_DEVICE) {
        deviceDir = Files.createTempDirectory(work, "device-");
        decryption = DeviceDrm.open(client, deviceDir, signingKey.keyId(), signingKey.publicKey());
      }
      RecordingSink sink = RecordingSink.unpaced(new NullSink());
      InstrumentedPlayer player = new InstrumentedPlayer(client, sink, cache, decryption);
      long startNanos;
      try {
        startNanos = System.nanoTime();
        player.player().play(trackIds.get(0));
        if (!sink.awaitFirstFrame(FIRST_FRAME_TIMEOUT_MS)) {
          throw new IllegalStateException(
              "no frame within " + FIRST_FRAME_TIMEOUT_MS + " ms; player error: " + player.error());
        }
      } finally {
        player.close();
      }
      Rendition rendition = player.rendition(trackIds.get(0));
      return new ColdPlay(
          sink.firstFrameNanos() - startNanos,
          player.decoderOpenNanos().get(0) - startNanos,
          rendition == null ? -1 : rendition.bitrateKbps());
    } finally {
      if (http != null) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
      deleteTree(cacheDir);
      if (deviceDir != null) {
        deleteTree(deviceDir);
      }
    }
  }

  private DrmContentDecryption openDevice(TonearmClient session) throws Exception {
    Path folder = Files.createTempDirectory(work, "device-");
    return DeviceDrm.open(session, folder, signingKey.keyId(), signingKey.publicKey());
  }

  // Transition.

  private record Transition(
      TransitionProbe.Result result,
      boolean prefetched,
      boolean both320,
      List<RecordingSink.Underrun> underruns) {

    /** Counts the underruns at the write that contains the second track's first frame. */
    long joinUnderruns() {
      return underruns.stream()
          .filter(u -> u.frame() == result.secondTrackFirstWriteFrame())
          .count();
    }
  }

  private void runTransitionSeries(String title, boolean paced, int count) throws Exception {
    if (count == 0) {
      return;
    }
    List<Transition> plays = new ArrayList<>();
    while (plays.size() < count && !outOfTime()) {
      plays.add(playTransition(paced));
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%s: %d two-track plays%s%n",
        title,
        plays.size(),
        plays.size() < count ? " (time budget reached)" : "");
    if (paced) {
      printUnderruns(plays);
    }
    printJoins(plays);

    long[] transition =
        plays.stream()
            .filter(p -> p.result.transitionNanos() >= 0)
            .mapToLong(p -> p.result.transitionNanos())
            .sorted()
            .toArray();
    printDistribution("  last frame of track 1 to first frame of track 2", transition);
    long[] medianWork =
        plays.stream().mapToLong(p -> percentile(p.result.blockWorkNanos(), 50)).sorted().toArray();
    long[] p99Work =
        plays.stream().mapToLong(p -> percentile(p.result.blockWorkNanos(), 99)).sorted().toArray();
    printDistribution("  per-play median of per-block work inside track 1", medianWork);
    printDistribution("  per-play p99 of per-block work inside track 1", p99Work);
    if (!plays.isEmpty()) {
      int frames = plays.get(0).result.medianBlockFrames();
      System.out.printf(
          Locale.ROOT,
          "  median block: %d frames (%.1f ms of audio)%n",
          frames,
          frames * 1000.0 / reference.format().sampleRateHz());
    }
  }

  private void printUnderruns(List<Transition> plays) {
    System.out.printf(
        Locale.ROOT,
        "  sink paced at %.0fx real time with a %d ms device buffer over the last %d s of"
            + " the first track%n",
        options.paceSpeed,
        options.deviceBufferMs,
        options.paceLeadSeconds);
    long underruns = plays.stream().mapToLong(p -> p.underruns.size()).sum();
    long playsWithUnderrun = plays.stream().filter(p -> !p.underruns.isEmpty()).count();
    long atJoin = plays.stream().mapToLong(Transition::joinUnderruns).sum();
    long maxDry =
        plays.stream()
            .flatMap(p -> p.underruns.stream())
            .mapToLong(RecordingSink.Underrun::dryNanos)
            .max()
            .orElse(0);
    System.out.printf(
        Locale.ROOT,
        "  device underruns while paced: %d in %d of %d plays, %d of them at the join;"
            + " longest time empty %.2f ms of wall-clock time%n",
        underruns,
        playsWithUnderrun,
        plays.size(),
        atJoin,
        maxDry / 1e6);
  }

  private static void printJoins(List<Transition> plays) {
    long exact = plays.stream().filter(p -> Long.valueOf(0).equals(p.result.gapFrames())).count();
    long missing = plays.stream().filter(p -> p.result.gapFrames() == null).count();
    long[] gaps =
        plays.stream()
            .filter(p -> p.result.gapFrames() != null)
            .mapToLong(p -> p.result.gapFrames())
            .sorted()
            .toArray();
    long firstMatches = plays.stream().filter(p -> p.result.firstTrackMatches()).count();
    long prefetched = plays.stream().filter(Transition::prefetched).count();
    long both320 = plays.stream().filter(Transition::both320).count();
    System.out.printf(
        Locale.ROOT,
        "  gap 0 frames: %d of %d; second track not found: %d; gap range: %s%n",
        exact,
        plays.size(),
        missing,
        gaps.length == 0 ? "none" : gaps[0] + " to " + gaps[gaps.length - 1] + " frames");
    System.out.printf(
        Locale.ROOT,
        "  first track PCM equal to its own decode (MD5): %d of %d%n",
        firstMatches,
        plays.size());
    System.out.printf(
        Locale.ROOT,
        "  second decoder created before the first track's last frame: %d of %d;"
            + " both tracks at 320 kbps: %d of %d%n",
        prefetched,
        plays.size(),
        both320,
        plays.size());
  }

  private Transition playTransition(boolean paced) throws Exception {
    TransitionProbe probe = new TransitionProbe(reference);
    long paceFrom =
        reference.firstTrackFrames() - options.paceLeadSeconds * reference.format().sampleRateHz();
    RecordingSink sink =
        paced
            ? RecordingSink.paced(
                new NullSink(),
                options.paceSpeed,
                Math.max(0, paceFrom),
                options.deviceBufferMs,
                probe)
            : RecordingSink.unpaced(new NullSink(), probe);
    InstrumentedPlayer player = new InstrumentedPlayer(sharedClient, sink, null, sharedDrm);
    try {
      player.player().play(trackIds);
      if (!probe.await(TRANSITION_TIMEOUT_MS)) {
        throw new IllegalStateException(
            "the join was not reached within "
                + TRANSITION_TIMEOUT_MS
                + " ms; player error: "
                + player.error());
      }
      for (String trackId : trackIds) {
        player.awaitRendition(trackId, RENDITION_EVENT_TIMEOUT_MS);
      }
    } finally {
      player.close();
    }
    TransitionProbe.Result result = probe.result();
    List<Long> opens = player.decoderOpenNanos();
    boolean prefetched =
        opens.size() >= 2
            && result.firstTrackLastExitNanos() >= 0
            && opens.get(1) < result.firstTrackLastExitNanos();
    boolean both320 = true;
    for (String trackId : trackIds) {
      Rendition rendition = player.rendition(trackId);
      both320 &= rendition != null && rendition.bitrateKbps() == 320;
    }
    return new Transition(result, prefetched, both320, sink.underruns());
  }

  // Steady state.

  private void runSteadyState() throws Exception {
    double mediaSeconds =
        reference.firstTrackFrames() / (double) reference.format().sampleRateHz()
            + sharedClient.manifest(trackIds.get(1)).durationMs() / 1000.0;
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "steady state: child JVMs playing both tracks, %.1f s of media per round%n",
        mediaSeconds);
    String demo = String.join(",", trackIds);
    runChild("default heap, unpaced", null, 0, CHILD_FAST_ROUNDS, 0, demo);
    runChild("default heap, paced 10x", null, CHILD_PACE_SPEED, 1, 0, demo);
    runChild(
        "default heap, paced 10x, forced GC every 1 s",
        null,
        CHILD_PACE_SPEED,
        1,
        CHILD_GC_SAMPLE_MS,
        demo);
    for (int limitMb : options.heapLimitsMb) {
      String heap = "-Xmx" + limitMb + "m";
      runChild(heap + ", unpaced", heap, 0, CHILD_FAST_ROUNDS, 0, demo);
      runChild(
          heap + ", paced 10x, forced GC every 1 s",
          heap,
          CHILD_PACE_SPEED,
          1,
          CHILD_GC_SAMPLE_MS,
          demo);
    }
    if (options.longTrackRepeats > 0 && !outOfTime()) {
      runLongTrack();
    }
  }

  /**
   * Plays one track whose 320 kbps rendition is larger than the player's in-memory chunk limit, so
   * that the heap reaches the player's steady maximum rather than the size of a short track.
   */
  private void runLongTrack() throws Exception {
    Path source = Corpus.root().resolve(LONG_TRACK_SOURCE);
    if (!Files.exists(source)) {
      System.out.println("long track: skipped, " + source + " not found (set TONEARM_CORPUS)");
      return;
    }
    Path wav = work.resolve("long-source.wav");
    Path longWav = work.resolve("long.wav");
    runTool(List.of("oggdec", "-Q", "-o", wav.toString(), source.toString()));
    runTool(
        List.of(
            "sox",
            wav.toString(),
            longWav.toString(),
            "repeat",
            String.valueOf(options.longTrackRepeats - 1)));

    long startNanos = System.nanoTime();
    String trackId = server.ingest().ingest(longWav, Map.of()).track().id();
    Manifest manifest = sharedClient.manifest(trackId);
    Rendition rendition = vorbis320(manifest);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "long track: %s played %d times, %.1f s, 320 kbps rendition %d bytes, ingested in"
            + " %.0f s%n",
        source.getFileName(),
        options.longTrackRepeats,
        manifest.durationMs() / 1000.0,
        rendition.sizeBytes(),
        (System.nanoTime() - startNanos) / 1e9);

    runChild(
        "default heap, paced 10x, forced GC every 1 s",
        null,
        CHILD_PACE_SPEED,
        1,
        CHILD_GC_SAMPLE_MS,
        trackId);
    for (int limitMb : options.heapLimitsMb) {
      String heap = "-Xmx" + limitMb + "m";
      runChild(heap + ", unpaced", heap, 0, 1, 0, trackId);
      runChild(
          heap + ", paced 10x, forced GC every 1 s",
          heap,
          CHILD_PACE_SPEED,
          1,
          CHILD_GC_SAMPLE_MS,
          trackId);
    }
  }

  private static void runTool(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(command.get(0) + " failed: " + output);
    }
  }

  private void runChild(
      String title, String heapOption, double speed, int rounds, long gcMs, String trackIds)
      throws Exception {
    if (outOfTime()) {
      System.out.println("  " + title + ": skipped (time budget reached)");
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    if (heapOption != null) {
      command.add(heapOption);
    }
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SteadyStatePlayback.class.getName());
    command.add(server.apiUrl());
    command.add(String.valueOf(speed));
    command.add(String.valueOf(rounds));
    command.add(String.valueOf(gcMs));
    command.add(String.valueOf(options.deviceBufferMs));
    command.add(signingKey.keyId());
    command.add(signingKey.publicKey());
    command.add(trackIds);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    }
    boolean exited = process.waitFor(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    System.out.printf(
        Locale.ROOT, "  %s: exit status %s%n", title, exited ? process.exitValue() : "timed out");
    for (String line : lines) {
      System.out.println("    " + line);
    }
  }

  // Helpers.

  private boolean outOfTime() {
    return System.nanoTime() > deadlineNanos;
  }

  private void printEnvironment() {
    System.out.printf(
        Locale.ROOT,
        "java: %s %s, %d processors, max heap %d MiB%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static void printDistribution(String label, long[] sortedNanos) {
    if (sortedNanos.length == 0) {
      System.out.println(label + ": no samples");
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: p50 %.2f ms, p95 %.2f ms, min %.2f ms, max %.2f ms (n=%d)%n",
        label,
        percentile(sortedNanos, 50) / 1e6,
        percentile(sortedNanos, 95) / 1e6,
        sortedNanos[0] / 1e6,
        sortedNanos[sortedNanos.length - 1] / 1e6,
        sortedNanos.length);
  }

  /** Nearest-rank percentile of an ascending array, or 0 for an empty one. */
  static long percentile(long[] sorted, int percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Command-line options; see the class documentation. */
  private static final class Options {
    int plays = 50;
    int warmup = 3;
    int transitionPlays = 50;
    int unpacedTransitionPlays = 10;
    double paceSpeed = 10;
    long paceLeadSeconds = 40;
    long deviceBufferMs = 1000;
    int[] heapLimitsMb = {32, 24, 16};
    int longTrackRepeats = 2;
    long maxMinutes = 30;
    Path dataDir;

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + args[i]);
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--plays" -> options.plays = Integer.parseInt(value);
          case "--warmup" -> options.warmup = Integer.parseInt(value);
          case "--transition-plays" -> options.transitionPlays = Integer.parseInt(value);
          case "--unpaced-transition-plays" ->
              options.unpacedTransitionPlays = Integer.parseInt(value);
          case "--pace-speed" -> options.paceSpeed = Double.parseDouble(value);
          case "--pace-lead-seconds" -> options.paceLeadSeconds = Long.parseLong(value);
          case "--device-buffer-ms" -> options.deviceBufferMs = Long.parseLong(value);
          case "--heap-limits-mb" ->
              options.heapLimitsMb =
                  value.isEmpty()
                      ? new int[0]
                      : Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          case "--max-minutes" -> options.maxMinutes = Long.parseLong(value);
          case "--long-track-repeats" -> options.longTrackRepeats = Integer.parseInt(value);
          case "--data-dir" -> options.dataDir = Paths.get(value);
          default -> throw new IllegalArgumentException("unknown option: " + args[i]);
        }
      }
      return options;
    }
  }
}
