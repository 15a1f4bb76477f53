package dev.tonearm.bench;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.flac.FlacDecoder;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.sink.NullSink;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.LicenceManager;
import dev.tonearm.drm.LicenceVerifier;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.drm.SigningKey;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.drm.SigningKeyInfo;
import dev.tonearm.server.ingest.ExternalTools;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Share of playback CPU that AES-256-CTR decryption takes, measured through the real player path.
 *
 * <p>An embedded reference server ingests one WAV file (by default the first demo track decoded
 * with {@code oggdec}) into an encrypted Vorbis 320 kbps rendition and an encrypted FLAC rendition
 * of the same audio. A {@link Player} with a {@link NullSink} then plays each rendition several
 * times over loopback HTTP with {@link DrmContentDecryption}, so every chunk is fetched, verified,
 * decrypted and decoded as in an app. The licence is fetched once, in the first run. The first run
 * of each rendition is reported alone, and the measured runs follow the warm-up runs of both
 * renditions.
 *
 * <p>Measurement: the decryption stage is wrapped so that the playback thread's CPU time is summed
 * inside each read of the decrypting source and inside each read of the ciphertext source below it;
 * the difference is the CPU time of decryption. The playback thread's total CPU time covers
 * decoding, decryption, waiting for chunks and the sink. CPU times come from {@link
 * ThreadMXBean#getCurrentThreadCpuTime()}; the chunk loading threads are not counted.
 *
 * <p>Run with {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.DecryptBenchmark
 * playback [RUNS] [WARM_UP_RUNS] [WAV_FILE]}; {@code oggdec}, {@code oggenc} and {@code flac} must
 * be on the {@code PATH}. Not thread-safe.
 */
final class PlaybackDecryptCost {
  private static final int DEFAULT_RUNS = 10;
  private static final int DEFAULT_WARM_UP_RUNS = 10;
  private static final long PLAY_TIMEOUT_S = 600;

  private PlaybackDecryptCost() {}

  static void run(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_RUNS;
    int warmUpRuns = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_WARM_UP_RUNS;
    Path work = Files.createTempDirectory("tonearm-decrypt-cost-");
    try {
      measure(runs, warmUpRuns, work, args.length > 2 ? Path.of(args[2]) : null);
    } finally {
      deleteTree(work);
    }
  }

  private static void measure(int runs, int warmUpRuns, Path work, Path wavArgument)
      throws Exception {
    Path wav = wavArgument != null ? wavArgument : decodeDemoTrack(work);
    try (ReferenceServer server =
        ReferenceServer.builder()
            .dataDir(work.resolve("data"))
            .apiPort(0)
            .edgeCount(1)
            .seedDemo(false)
            .demoVorbisLadderKbps(List.of(320))
            .passwordHashIterations(1000)
            .build()
            .start()) {
      String trackId = server.ingest().ingest(wav, Map.of()).track().id();
      TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
      client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
      DrmContentDecryption decryption = decryption(server, client, work);

      List<Quality> qualities = List.of(Quality.VERY_HIGH, Quality.LOSSLESS);
      // The first run fetches the licence. Until the JIT compiles the AES-CTR path, which takes
      // a few minutes of audio, decryption runs several times slower, so the cold first run of
      // each rendition is reported apart from the warmed-up runs.
      Map<Quality, Measurement> cold = new java.util.EnumMap<>(Quality.class);
      for (Quality quality : qualities) {
        cold.put(quality, play(client, decryption, trackId, quality));
      }
      for (int i = 0; i < warmUpRuns; i++) {
        for (Quality quality : qualities) {
          play(client, decryption, trackId, quality);
        }
      }
      System.out.println(
          "file " + wav + ", " + warmUpRuns + " warm-up and " + runs + " measured runs");
      System.out.println(
          "rendition  | runs      | audio (s) | playback CPU (% of a core) | decrypt CPU (% of a"
              + " core) | decrypt share of playback CPU | reads per run | bytes per read");
      for (Quality quality : qualities) {
        print("first", 1, cold.get(quality));
        Measurement total = new Measurement();
        for (int i = 0; i < runs; i++) {
          total.add(play(client, decryption, trackId, quality));
        }
        print("warm", runs, total);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path :
          (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  private static void print(String label, int runs, Measurement total) {
    System.out.println(
        String.format(
            Locale.ROOT,
            "%-10s | %-9s | %9.1f | %26.3f | %25.4f | %28.2f%% | %13d | %14.0f",
            total.renditionId,
            label,
            total.audioSeconds / runs,
            100 * total.playbackCpuSeconds() / total.audioSeconds,
            100 * total.decryptCpuSeconds() / total.audioSeconds,
            100 * total.decryptCpuSeconds() / total.playbackCpuSeconds(),
            total.reads / runs,
            (double) total.bytes / total.reads));
  }

  private static Path decodeDemoTrack(Path work) throws Exception {
    Path ogg = work.resolve("singularity-apex-aleph.ogg");
    try (InputStream in =
        ReferenceServer.class.getResourceAsStream("/demo/singularity-apex-aleph.ogg")) {
      if (in == null) {
        throw new IOException("demo track is missing from the reference server jar");
      }
      Files.copy(in, ogg);
    }
    Path wav = work.resolve("apex-aleph.wav");
    ExternalTools.fromEnvironment()
        .run("oggdec", List.of("-Q", "-o", wav.toString(), ogg.toString()), work);
    return wav;
  }

  private static DrmContentDecryption decryption(
      ReferenceServer server, TonearmClient client, Path work) throws Exception {
    DeviceKeyStore keyStore =
        DeviceKeyStore.builder(
                new FileKeyStorage(work.resolve("device").resolve("keys.tks")),
                () -> "benchmark-device".getBytes(StandardCharsets.UTF_8),
                "tonearm-benchmark".getBytes(StandardCharsets.UTF_8))
            .open();
    SigningKeyInfo signing = server.keyManagement().signingKey();
    LicenceVerifier verifier =
        new LicenceVerifier(
            Collections.singletonList(SigningKey.fromBase64(signing.keyId(), signing.publicKey())));
    LicenceManager manager =
        LicenceManager.builder(
                OkHttpLicenceClient.builder().session(client).build(), keyStore, verifier)
            .build();
    return DrmContentDecryption.builder(manager, keyStore).build();
  }

  private static Measurement play(
      TonearmClient client, DrmContentDecryption decryption, String trackId, Quality quality)
      throws Exception {
    TimedDecryption timed = new TimedDecryption(decryption);
    NullSink sink = new NullSink();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<PlaybackException> error = new AtomicReference<>();
    AtomicReference<String> renditionId = new AtomicReference<>();
    AtomicLong playbackCpuNanos = new AtomicLong();
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(PlaybackDecryptCost::openDecoder)
            .setQuality(quality)
            .setBandwidthMeter(new BandwidthMeter(100_000_000, 0.3, 16 * 1024))
            .setContentDecryption(timed)
            .setListenerExecutor(Runnable::run)
            .build();
    try {
      player.addListener(
          new Player.Listener() {
            @Override
            public void onRenditionSelected(String id, Rendition rendition) {
              renditionId.set(rendition.id());
            }

            @Override
            public void onStateChanged(Player.State state) {
              if (state == Player.State.ENDED) {
                // Listener callbacks run on the playback thread with a direct executor.
                playbackCpuNanos.set(threads().getCurrentThreadCpuTime());
                done.countDown();
              }
            }

            @Override
            public void onPlayerError(PlaybackException playbackError) {
              error.set(playbackError);
              done.countDown();
            }
          });
      player.play(trackId);
      if (!done.await(PLAY_TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("playback of " + trackId + " did not end");
      }
    } finally {
      player.release();
    }
    if (error.get() != null) {
      throw error.get();
    }
    Measurement measurement = new Measurement();
    measurement.renditionId = renditionId.get();
    measurement.audioSeconds = (double) sink.framesWritten() / sink.format().sampleRateHz();
    measurement.playbackCpuNanos = playbackCpuNanos.get();
    measurement.decryptCpuNanos = timed.decryptCpuNanos();
    measurement.reads = timed.reads.get();
    measurement.bytes = timed.bytes.get();
    return measurement;
  }

  private static Decoder openDecoder(String codec, ByteSource source) throws IOException {
    if (codec.equals("vorbis")) {
      return new VorbisDecoder(source);
    }
    if (codec.equals("flac")) {
      return FlacDecoder.open(source);
    }
    throw new DecoderException(
        DecoderException.Reason.UNSUPPORTED_FORMAT, "no decoder for codec " + codec);
  }

  private static ThreadMXBean threads() {
    return ManagementFactory.getThreadMXBean();
  }

  /** Sums of the runs of one rendition. */
  private static final class Measurement {
    String renditionId;
    double audioSeconds;
    long playbackCpuNanos;
    long decryptCpuNanos;
    long reads;
    long bytes;

    void add(Measurement run) {
      reads += run.reads;
      bytes += run.bytes;
      renditionId = run.renditionId;
      audioSeconds += run.audioSeconds;
      playbackCpuNanos += run.playbackCpuNanos;
      decryptCpuNanos += run.decryptCpuNanos;
    }

    double playbackCpuSeconds() {
      return playbackCpuNanos / 1e9;
    }

    double decryptCpuSeconds() {
      return decryptCpuNanos / 1e9;
    }
  }

  /** Wraps the decryption stage's sources to sum the CPU time of their reads. */
  private static final class TimedDecryption implements ContentDecryption {
    private final ContentDecryption delegate;
    private final AtomicLong outerNanos = new AtomicLong();
    private final AtomicLong innerNanos = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    TimedDecryption(ContentDecryption delegate) {
      this.delegate = delegate;
    }

    long decryptCpuNanos() {
      return outerNanos.get() - innerNanos.get();
    }

    @Override
    public ByteSource open(Manifest manifest, Rendition rendition, ByteSource ciphertext)
        throws PlaybackException {
      ByteSource timedCiphertext = new TimedSource(ciphertext, innerNanos, null, null);
      return new TimedSource(
          delegate.open(manifest, rendition, timedCiphertext), outerNanos, reads, bytes);
    }
  }

  /**
   * Adds the calling thread's CPU time spent in each read to a counter, and optionally counts the
   * reads and the bytes they return.
   */
  private static final class TimedSource implements ByteSource {
    private final ByteSource source;
    private final AtomicLong cpuNanos;
    private final AtomicLong reads;
    private final AtomicLong bytes;

    TimedSource(ByteSource source, AtomicLong cpuNanos, AtomicLong reads, AtomicLong bytes) {
      this.source = source;
      this.cpuNanos = cpuNanos;
      this.reads = reads;
      this.bytes = bytes;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      long start = threads().getCurrentThreadCpuTime();
      int read = -1;
      try {
        read = source.read(buffer, offset, length);
        return read;
      } finally {
        cpuNanos.addAndGet(threads().getCurrentThreadCpuTime() - start);
        if (reads != null && read > 0) {
          reads.incrementAndGet();
          bytes.addAndGet(read);
        }
      }
    }

    @Override
    public long position() {
      return source.position();
    }

    @Override
    public long length() {
      return source.length();
    }

    @Override
    public boolean isSeekable() {
      return source.isSeekable();
    }

    @Override
    public void seek(long position) throws IOException {
      source.seek(position);
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
