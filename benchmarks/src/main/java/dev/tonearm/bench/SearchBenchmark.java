package dev.tonearm.bench;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.search.CachingSearchIndex;
import dev.tonearm.server.search.CatalogIndexer;
import dev.tonearm.server.search.InMemorySearchIndex;
import dev.tonearm.server.search.SearchIndex;
import dev.tonearm.server.search.SearchQuery;
import dev.tonearm.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Index build time and query latency of the in-memory search index over the 10,000 songs of the
 * Million Song Dataset subset in the test corpus ({@code catalog/msd-subset-10k-SongCSV.csv}).
 *
 * <p>The index is built through {@link CatalogIndexer}, so artist and album documents are
 * included. Query sets, each of {@code queries} songs picked with a fixed seed: exact titles,
 * titles with one typo (two adjacent letters of the longest word of 4 letters or more swapped),
 * and unfinished titles (the first word and the first 3 letters of the second, or the first 3
 * letters of a one-word title). Each set runs once as warm-up and once measured, straight on the
 * index and through {@link CachingSearchIndex}; in the cached run the warm-up pass fills the cache,
 * so every measured query is a hit.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.SearchBenchmark
 * [queries] [builds]}.
 */
public final class SearchBenchmark {
  private static final String CSV = "catalog/msd-subset-10k-SongCSV.csv";

  private SearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int queryCount = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int builds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path csv = Corpus.root().resolve(CSV);
    if (!Files.exists(csv)) {
      System.err.println("missing " + csv + ": set TONEARM_CORPUS to the test corpus folder");
      System.exit(2);
    }
    List<Track> tracks = loadTracks(csv);
    System.out.printf(
        Locale.ROOT,
        "%d songs, %d builds, %d queries per set, %d cores%n",
        tracks.size(),
        builds,
        queryCount,
        Runtime.getRuntime().availableProcessors());

    InMemorySearchIndex index = null;
    double[] buildMs = new double[builds];
    for (int i = 0; i < builds; i++) {
      long start = System.nanoTime();
      index = new InMemorySearchIndex();
      new CatalogIndexer(new ListCatalog(tracks), index);
      // The first suggest or search builds the completion table, so it counts as build time.
      index.suggest("a", 1);
      buildMs[i] = (System.nanoTime() - start) / 1e6;
    }
    System.out.printf(
        Locale.ROOT,
        "build: first %.1f ms, median of the rest %.1f ms; %d documents, %d terms%n",
        buildMs[0],
        median(Arrays.copyOfRange(buildMs, Math.min(1, builds - 1), builds)),
        index.size(),
        index.termCount());
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "heap in use after build and GC: %.1f MB (whole JVM, corpus rows included)%n",
        (runtime.totalMemory() - runtime.freeMemory()) / 1e6);

    Random random = new Random(20_260_101L);
    List<String> titles = new ArrayList<>();
    for (int i = 0; i < queryCount; i++) {
      titles.add(tracks.get(random.nextInt(tracks.size())).title());
    }
    List<String> exact = titles;
    List<String> typo = titles.stream().map(title -> withTypo(title, random)).toList();
    List<String> prefix = titles.stream().map(SearchBenchmark::unfinished).toList();

    System.out.printf(
        Locale.ROOT, "%-8s %-14s %10s %10s %10s%n", "cache", "set", "p50 us", "p99 us", "max us");
    for (boolean cached : new boolean[] {false, true}) {
      SearchIndex target =
          cached ? new CachingSearchIndex(index, 4 * queryCount + 16) : index;
      String label = cached ? "cached" : "direct";
      measure(label, "search exact", exact, q -> target.search(SearchQuery.allTypes(q, 0, 10)));
      measure(label, "search typo", typo, q -> target.search(SearchQuery.allTypes(q, 0, 10)));
      measure(label, "search prefix", prefix, q -> target.search(SearchQuery.allTypes(q, 0, 10)));
      measure(label, "suggest", prefix, q -> target.suggest(q, 5));
      if (target instanceof CachingSearchIndex cache) {
        System.out.printf(
            Locale.ROOT, "cache: %d hits, %d misses%n", cache.hitCount(), cache.missCount());
      }
    }
  }

  private static void measure(String label, String set, List<String> queries, Consumer<String> run) {
    for (String query : queries) {
      run.accept(query);
    }
    double[] micros = new double[queries.size()];
    for (int i = 0; i < queries.size(); i++) {
      long start = System.nanoTime();
      run.accept(queries.get(i));
      micros[i] = (System.nanoTime() - start) / 1e3;
    }
    Arrays.sort(micros);
    System.out.printf(
        Locale.ROOT,
        "%-8s %-14s %10.1f %10.1f %10.1f%n",
        label,
        set,
        percentile(micros, 0.50),
        percentile(micros, 0.99),
        micros[micros.length - 1]);
  }

  /** Swaps two adjacent letters in the middle of the longest word of 4 or more letters. */
  private static String withTypo(String title, Random random) {
    String[] words = title.split(" ");
    int longest = -1;
    for (int i = 0; i < words.length; i++) {
      if (words[i].length() >= 4 && (longest < 0 || words[i].length() > words[longest].length())) {
        longest = i;
      }
    }
    if (longest < 0) {
      return title;
    }
    char[] letters = words[longest].toCharArray();
    int at = 1 + random.nextInt(letters.length - 2);
    char swapped = letters[at];
    letters[at] = letters[at + 1];
    letters[at + 1] = swapped;
    words[longest] = new String(letters);
    return String.join(" ", words);
  }

  private static String unfinished(String title) {
    String[] words = title.trim().split("\\s+");
    if (words.length >= 2) {
      return words[0] + " " + words[1].substring(0, Math.min(3, words[1].length()));
    }
    return words[0].substring(0, Math.min(3, words[0].length()));
  }

  private static double percentile(double[] sorted, double fraction) {
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static List<Track> loadTracks(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> header = splitCsv(lines.get(0));
    int number = header.indexOf("SongNumber");
    int title = header.indexOf("Title");
    int artist = header.indexOf("ArtistName");
    int album = header.indexOf("AlbumName");
    List<Track> tracks = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      List<String> fields = splitCsv(line);
      String id = "msd-" + fields.get(number);
      tracks.add(
          new Track(
              id,
              fields.get(title),
              fields.get(artist),
              fields.get(album),
              "",
              0,
              null,
              List.of(),
              "wav",
              id + ".wav",
              List.of(),
              0));
    }
    return tracks;
  }

  /**
   * Splits a CSV line. A quote inside a quoted field ends it only before a comma or the line end,
   * because some titles in this file contain unescaped quotes.
   */
  private static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      field.setLength(0);
      if (i < line.length() && line.charAt(i) == '"') {
        for (i++; i < line.length(); i++) {
          char c = line.charAt(i);
          if (c == '"' && (i + 1 == line.length() || line.charAt(i + 1) == ',')) {
            i++;
            break;
          }
          if (c == '"' && line.charAt(i + 1) == '"') {
            i++;
          }
          field.append(c);
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          field.append(line.charAt(i++));
        }
      }
      fields.add(field.toString());
      if (i >= line.length()) {
        return fields;
      }
      i++;
    }
  }

  /** A read-only catalog over a list of tracks and no playlists. */
  private static final class ListCatalog implements CatalogRepository {
    private final List<Track> tracks;

    ListCatalog(List<Track> tracks) {
      this.tracks = List.copyOf(tracks);
    }

    @Override
    public List<Track> tracks() {
      return tracks;
    }

    @Override
    public Optional<Track> track(String trackId) {
      return tracks.stream().filter(track -> track.id().equals(trackId)).findFirst();
    }

    @Override
    public void saveTrack(Track track) {
      throw new UnsupportedOperationException("the benchmark catalog is read-only");
    }

    @Override
    public List<Playlist> playlists() {
      return Collections.emptyList();
    }

    @Override
    public Optional<Playlist> playlist(String playlistId) {
      return Optional.empty();
    }

    @Override
    public void savePlaylist(Playlist playlist) {
      throw new UnsupportedOperationException("the benchmark catalog is read-only");
    }
  }
}
