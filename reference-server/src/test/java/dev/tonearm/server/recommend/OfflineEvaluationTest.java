package dev.tonearm.server.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.testing.Corpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Offline checks on public data sets from the test corpus (skipped when it is absent): hit rate at
 * 10 of collaborative filtering against popularity on Last.fm listening data (HetRec 2011, artists
 * taken as tracks), and genre agreement of audio-feature neighbours on the Spotify top hits
 * 2000-2019 table. Only comparisons are asserted; the figures are in BENCHMARKS.md.
 */
class OfflineEvaluationTest {
  static final String LASTFM_USER_ARTISTS = "lastfm-hetrec2011-2k/user_artists.dat";
  static final String SPOTIFY_TOP_HITS = "catalog/spotify-top-hits-2000-2019-songs_normalize.csv";

  /** Spotify columns used as features, with their {@link TrackProfile} names. */
  private static final Map<String, String> SPOTIFY_FEATURES =
      Map.of(
          "tempo", TrackProfile.TEMPO_BPM,
          "energy", TrackProfile.ENERGY,
          "loudness", TrackProfile.LOUDNESS_LUFS,
          "duration_ms", TrackProfile.DURATION_MS,
          "danceability", "danceability",
          "valence", "valence",
          "acousticness", "acousticness",
          "speechiness", "speechiness",
          "instrumentalness", "instrumentalness",
          "key", "key");

  @Test
  void lastfmHoldout_collaborative_beatsPopularityAtTen() throws IOException {
    Map<String, Set<String>> artistsByUser = readUserArtists(Corpus.require(LASTFM_USER_ARTISTS));
    HoldoutEvaluation evaluation = new HoldoutEvaluation(artistsByUser, 100, 0.2, 10, 2011);

    List<HoldoutEvaluation.SourceResult> results =
        evaluation.run(List.of(new CollaborativeSource(), new PopularitySource()), 10);

    HoldoutEvaluation.SourceResult collaborative = results.get(0);
    HoldoutEvaluation.SourceResult popularity = results.get(1);
    assertThat(collaborative.accounts()).isEqualTo(100);
    assertThat(popularity.accounts()).isEqualTo(100);
    assertThat(collaborative.hitRate())
        .as("collaborative %s vs popularity %s", collaborative, popularity)
        .isGreaterThan(popularity.hitRate());
  }

  @Test
  void lastfmFile_loaded_matchesPublishedCounts() throws IOException {
    Map<String, Set<String>> artistsByUser = readUserArtists(Corpus.require(LASTFM_USER_ARTISTS));

    Set<String> artists = new HashSet<>();
    artistsByUser.values().forEach(artists::addAll);
    long pairs = artistsByUser.values().stream().mapToLong(Set::size).sum();
    // The HetRec 2011 readme lists 1,892 users and 92,834 user-artist pairs.
    assertThat(artistsByUser).hasSize(1892);
    assertThat(pairs).isEqualTo(92_834);
    assertThat(artists).hasSizeGreaterThan(17_000);
  }

  @Test
  void spotifyNeighbours_shareGenreAboveRandom() throws IOException {
    List<TrackProfile> profiles = readSpotify(Corpus.require(SPOTIFY_TOP_HITS));
    FeatureSpace space = new FeatureSpace(profiles);
    Map<String, TrackProfile> byId = new HashMap<>();
    profiles.forEach(profile -> byId.put(profile.trackId(), profile));
    Random random = new Random(2019);
    int queries = 300;
    int neighbours = 5;

    int neighbourAgreements = 0;
    int randomAgreements = 0;
    for (int i = 0; i < queries; i++) {
      TrackProfile query = profiles.get(random.nextInt(profiles.size()));
      for (String neighbour : space.nearest(query.trackId(), neighbours)) {
        neighbourAgreements += sharesGenre(query, byId.get(neighbour)) ? 1 : 0;
      }
      for (int j = 0; j < neighbours; j++) {
        TrackProfile other = profiles.get(random.nextInt(profiles.size()));
        randomAgreements += sharesGenre(query, other) ? 1 : 0;
      }
    }

    assertThat(space.featureNames()).hasSize(SPOTIFY_FEATURES.size());
    assertThat(neighbourAgreements)
        .as("neighbour agreements vs random agreements %d", randomAgreements)
        .isGreaterThan(randomAgreements);
  }

  /** Returns whether two tracks share a genre. Spotify genres are comma-separated lists. */
  static boolean sharesGenre(TrackProfile a, TrackProfile b) {
    Set<String> genres = genres(a);
    genres.retainAll(genres(b));
    return !genres.isEmpty();
  }

  private static Set<String> genres(TrackProfile profile) {
    Set<String> genres = new HashSet<>();
    for (String genre : profile.genre().split(",")) {
      String trimmed = genre.trim();
      if (!trimmed.isEmpty() && !trimmed.equals("set()")) {
        genres.add(trimmed);
      }
    }
    return genres;
  }

  /** Reads the HetRec {@code user_artists.dat}: tab-separated, header row, CRLF endings. */
  static Map<String, Set<String>> readUserArtists(Path file) throws IOException {
    Map<String, Set<String>> artistsByUser = new TreeMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      assertThat(header).startsWith("userID\tartistID\tweight");
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
    return artistsByUser;
  }

  /** Reads the Spotify top hits CSV, whose quoted fields may contain commas. */
  static List<TrackProfile> readSpotify(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> columns = parseCsvLine(lines.get(0));
    List<TrackProfile> profiles = new ArrayList<>();
    for (int row = 1; row < lines.size(); row++) {
      List<String> fields = parseCsvLine(lines.get(row));
      if (fields.size() != columns.size()) {
        continue;
      }
      Map<String, Double> features = new HashMap<>();
      for (Map.Entry<String, String> feature : SPOTIFY_FEATURES.entrySet()) {
        features.put(
            feature.getValue(), Double.parseDouble(fields.get(columns.indexOf(feature.getKey()))));
      }
      profiles.add(
          new TrackProfile(
              "s" + row,
              fields.get(columns.indexOf("song")),
              fields.get(columns.indexOf("artist")),
              fields.get(columns.indexOf("genre")),
              features));
    }
    return profiles;
  }

  static List<String> parseCsvLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
