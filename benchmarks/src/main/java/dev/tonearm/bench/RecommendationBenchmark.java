package dev.tonearm.bench;

import dev.tonearm.server.recommend.CandidateSource;
import dev.tonearm.server.recommend.CollaborativeSource;
import dev.tonearm.server.recommend.DiscoverySource;
import dev.tonearm.server.recommend.FeedbackEvent;
import dev.tonearm.server.recommend.HoldoutEvaluation;
import dev.tonearm.server.recommend.InMemoryInteractionStore;
import dev.tonearm.server.recommend.PopularitySource;
import dev.tonearm.server.recommend.Recommendation;
import dev.tonearm.server.recommend.RecommendationContext;
import dev.tonearm.server.recommend.Recommender;
import dev.tonearm.server.recommend.TrackProfile;
import dev.tonearm.testing.Corpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recommendation latency and offline hit rate, in-process.
 *
 * <p>Latency: one account with 50 plays requests 10 tracks from a synthetic catalog of 10,000
 * tracks (2,000 artists, 12 genres, tempo, energy, loudness and duration) after 5,000 other
 * accounts played 30 tracks each, drawn with Zipf-like popularity. Two variants: the default of 200
 * candidates per source, and every catalog track as a candidate. Each variant runs 200 warm-up and
 * 1,000 measured requests on one thread and prints p50, p99 and the maximum.
 *
 * <p>Hit rate: the hold-out evaluation of {@link HoldoutEvaluation} on {@code
 * lastfm-hetrec2011-2k/user_artists.dat} from the test corpus, artists taken as tracks, for the
 * collaborative, popularity and discovery sources. The content source needs audio features, which
 * that data set lacks.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.RecommendationBenchmark [sampledUsers]}; default 300 sampled users.
 */
public final class RecommendationBenchmark {
  private static final int CATALOG_TRACKS = 10_000;
  private static final int ARTISTS = 2_000;
  private static final int GENRES = 12;
  private static final int OTHER_ACCOUNTS = 5_000;
  private static final int PLAYS_PER_ACCOUNT = 30;
  private static final int MEASURED_ACCOUNT_PLAYS = 50;
  private static final int WARMUP_REQUESTS = 200;
  private static final int MEASURED_REQUESTS = 1_000;
  private static final int LIMIT = 10;
  private static final long SEED = 20_180_102L;

  private RecommendationBenchmark() {}

  public static void main(String[] args) throws IOException {
    int sampledUsers = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    System.out.printf(
        Locale.ROOT,
        "%d cores, %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.version"));
    latency(Recommender.DEFAULT_CANDIDATES_PER_SOURCE);
    latency(CATALOG_TRACKS);
    hitRates(sampledUsers);
  }

  private static void latency(int candidatesPerSource) {
    Random random = new Random(SEED);
    List<TrackProfile> catalog = new ArrayList<>();
    for (int i = 0; i < CATALOG_TRACKS; i++) {
      Map<String, Double> features = new HashMap<>();
      features.put(TrackProfile.TEMPO_BPM, 60 + 120 * random.nextDouble());
      features.put(TrackProfile.ENERGY, random.nextDouble());
      features.put(TrackProfile.LOUDNESS_LUFS, -25 + 20 * random.nextDouble());
      features.put(TrackProfile.DURATION_MS, 120_000 + 240_000 * random.nextDouble());
      catalog.add(
          new TrackProfile(
              "t" + i,
              "Track " + i,
              "Artist " + random.nextInt(ARTISTS),
              "genre-" + random.nextInt(GENRES),
              features));
    }
    InMemoryInteractionStore store =
        new InMemoryInteractionStore(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    for (int account = 0; account < OTHER_ACCOUNTS; account++) {
      for (int play = 0; play < PLAYS_PER_ACCOUNT; play++) {
        store.record("a" + account, "t" + zipfIndex(random), FeedbackEvent.PLAY);
      }
    }
    for (int play = 0; play < MEASURED_ACCOUNT_PLAYS; play++) {
      store.record("me", "t" + zipfIndex(random), FeedbackEvent.PLAY);
    }
    Recommender recommender =
        Recommender.builder()
            .interactions(store)
            .profiles(() -> catalog)
            .candidatesPerSource(candidatesPerSource)
            .random(new Random(SEED))
            .build();
    for (int i = 0; i < WARMUP_REQUESTS; i++) {
      recommender.recommend("me", LIMIT);
    }
    long[] nanos = new long[MEASURED_REQUESTS];
    int relaxedLists = 0;
    for (int i = 0; i < MEASURED_REQUESTS; i++) {
      long start = System.nanoTime();
      Recommendation recommendation = recommender.recommend("me", LIMIT);
      nanos[i] = System.nanoTime() - start;
      relaxedLists += recommendation.relaxed().isEmpty() ? 0 : 1;
    }
    Arrays.sort(nanos);
    if (candidatesPerSource == Recommender.DEFAULT_CANDIDATES_PER_SOURCE) {
      printSourceCpuTimes(catalog, store, candidatesPerSource);
    }
    System.out.printf(
        Locale.ROOT,
        "latency, %d tracks, %d candidates per source, limit %d: p50 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms over %d requests; %d lists relaxed a rule%n",
        CATALOG_TRACKS,
        candidatesPerSource,
        LIMIT,
        nanos[nanos.length / 2] / 1e6,
        nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6,
        nanos[nanos.length - 1] / 1e6,
        MEASURED_REQUESTS,
        relaxedLists);
  }

  /** Prints the mean thread CPU time of one proposal by each default source, over 50 calls. */
  private static void printSourceCpuTimes(
      List<TrackProfile> catalog, InMemoryInteractionStore store, int candidatesPerSource) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RecommendationContext context =
        new RecommendationContext("me", catalog, store, new Random(SEED));
    StringBuilder line = new StringBuilder("CPU time per proposal of " + candidatesPerSource);
    for (CandidateSource source : Recommender.defaultSources()) {
      source.propose(context, candidatesPerSource);
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 50; i++) {
        source.propose(context, candidatesPerSource);
      }
      double meanMs = (threads.getCurrentThreadCpuTime() - start) / 50 / 1e6;
      line.append(String.format(Locale.ROOT, ", %s %.1f ms", source.kind(), meanMs));
    }
    System.out.println(line);
  }

  /** Draws a track index with probability roughly proportional to 1 / (rank + 10). */
  private static int zipfIndex(Random random) {
    double u = random.nextDouble();
    // Inverse of the continuous density 1 / (x + 10) on [0, CATALOG_TRACKS).
    double x = 10 * Math.pow((CATALOG_TRACKS + 10) / 10.0, u) - 10;
    return Math.min(CATALOG_TRACKS - 1, (int) x);
  }

  private static void hitRates(int sampledUsers) throws IOException {
    Path file = Corpus.root().resolve("lastfm-hetrec2011-2k/user_artists.dat");
    if (!Files.exists(file)) {
      System.out.println("hit rate: skipped, " + file + " not found (set TONEARM_CORPUS)");
      return;
    }
    Map<String, Set<String>> artistsByUser = new TreeMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      reader.readLine();
      String line;
      while ((line = reader.readLine()) != null) {
        String[] fields = line.strip().split("\t");
        if (fields.length == 3) {
          artistsByUser
              .computeIfAbsent("u" + fields[0], id -> new HashSet<>())
              .add("a" + fields[1]);
        }
      }
    }
    List<CandidateSource> sources =
        List.of(new CollaborativeSource(), new PopularitySource(), new DiscoverySource());
    for (long seed : new long[] {2011, 2012, 2013}) {
      long start = System.nanoTime();
      List<HoldoutEvaluation.SourceResult> results =
          new HoldoutEvaluation(artistsByUser, sampledUsers, 0.2, 10, seed).run(sources, 10);
      StringBuilder line = new StringBuilder();
      for (HoldoutEvaluation.SourceResult result : results) {
        line.append(
            String.format(
                Locale.ROOT,
                ", %s %.3f (%d/%d)",
                result.source(),
                result.hitRate(),
                result.hits(),
                result.accounts()));
      }
      System.out.printf(
          Locale.ROOT,
          "Last.fm hit rate at 10, seed %d, 20%% held out%s; %.1f s%n",
          seed,
          line,
          (System.nanoTime() - start) / 1e9);
    }
  }
}
