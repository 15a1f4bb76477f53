package dev.tonearm.server.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each diversity rule on its own, and the order in which rules are relaxed. */
class DiversifierTest {
  private final Diversifier diversifier = new Diversifier();

  /** Candidates with falling scores, in the given order. */
  private static List<ScoredCandidate> ranked(List<TrackProfile> profiles) {
    List<ScoredCandidate> ranked = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) {
      TrackProfile profile = profiles.get(i);
      ranked.add(
          new ScoredCandidate(
              new Candidate(profile.trackId(), SourceKind.DISCOVERY, 1, "something new"),
              profile,
              1.0 - i / 1000.0));
    }
    return ranked;
  }

  private static TrackProfile track(String id, String artist, String genre) {
    return new TrackProfile(id, "Title " + id, artist, genre, Map.of());
  }

  private static TrackProfile track(String id, String artist, double tempoBpm, double energy) {
    Map<String, Double> features = new HashMap<>();
    features.put(TrackProfile.TEMPO_BPM, tempoBpm);
    features.put(TrackProfile.ENERGY, energy);
    return new TrackProfile(id, "Title " + id, artist, "", features);
  }

  private static List<String> ids(Diversifier.Result result) {
    return result.items().stream().map(ScoredCandidate::trackId).toList();
  }

  @Test
  void artistLimit_fiveByOneArtist_keepsTwo() {
    List<TrackProfile> profiles = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      profiles.add(track("a" + i, "Same Artist", "genre-" + i));
    }
    for (int i = 0; i < 5; i++) {
      profiles.add(track("b" + i, "Artist " + i, "genre-b" + i));
    }

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 5);

    assertThat(ids(result)).containsExactly("a0", "a1", "b0", "b1", "b2");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void genreShare_tenSlots_allowsFour() {
    List<TrackProfile> profiles = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      profiles.add(track("rock" + i, "Rock Artist " + i, "Rock"));
    }
    for (int i = 0; i < 8; i++) {
      profiles.add(track("other" + i, "Other Artist " + i, "genre-" + i));
    }

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 10);

    Map<String, Long> perGenre =
        result.items().stream()
            .collect(Collectors.groupingBy(c -> c.profile().genre(), Collectors.counting()));
    assertThat(result.items()).hasSize(10);
    assertThat(perGenre.get("Rock")).isEqualTo(4);
    assertThat(ids(result)).startsWith("rock0", "rock1", "rock2", "rock3", "other0");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void genreShare_caseDiffers_sameGenre() {
    List<TrackProfile> profiles =
        List.of(
            track("x1", "A1", "Pop"),
            track("x2", "A2", " pop "),
            track("x3", "A3", "POP"),
            track("y1", "B1", "Jazz"),
            track("y2", "B2", "Folk"));

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 5);

    assertThat(result.relaxed()).containsExactly(DiversityRule.GENRE_SHARE);
    Diversifier.Result four = diversifier.select(ranked(profiles), Set.of(), 4);
    assertThat(ids(four)).hasSize(4);
  }

  @Test
  void discoveryShare_topPlayed_reservesSlots() {
    List<TrackProfile> profiles = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      profiles.add(track("played" + i, "Played Artist " + i, "g" + i));
    }
    profiles.add(track("new0", "New Artist 0", "n0"));
    profiles.add(track("new1", "New Artist 1", "n1"));
    profiles.add(track("new2", "New Artist 2", "n2"));
    Set<String> played =
        profiles.stream()
            .map(TrackProfile::trackId)
            .filter(id -> id.startsWith("played"))
            .collect(Collectors.toSet());

    Diversifier.Result result = diversifier.select(ranked(profiles), played, 10);

    List<String> unplayed = ids(result).stream().filter(id -> !played.contains(id)).toList();
    assertThat(result.items()).hasSize(10);
    assertThat(unplayed).containsExactly("new0", "new1");
    assertThat(ids(result)).startsWith("played0", "played1", "played2");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void featureSpread_similarTempo_spreadsBands() {
    List<TrackProfile> profiles = new ArrayList<>();
    // Ranked best first: six slow quiet tracks, then three mid, then three fast loud ones.
    for (int i = 0; i < 6; i++) {
      profiles.add(track("slow" + i, "S" + i, 70 + i, 0.1 + i / 100.0));
    }
    for (int i = 0; i < 3; i++) {
      profiles.add(track("mid" + i, "M" + i, 110 + i, 0.5 + i / 100.0));
    }
    for (int i = 0; i < 3; i++) {
      profiles.add(track("fast" + i, "F" + i, 160 + i, 0.9 + i / 100.0));
    }

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 6);

    long slow = ids(result).stream().filter(id -> id.startsWith("slow")).count();
    assertThat(result.items()).hasSize(6);
    assertThat(slow).isEqualTo(3);
    assertThat(ids(result)).startsWith("slow0", "slow1", "slow2");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void featureSpread_noFeatures_notRelaxed() {
    List<TrackProfile> profiles = List.of(track("a", "A", "g1"), track("b", "B", "g2"));

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 2);

    assertThat(ids(result)).containsExactly("a", "b");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void tinyCatalog_allRulesBroken_relaxInOrder() {
    List<TrackProfile> profiles = new ArrayList<>();
    double[] tempos = {80, 80, 120, 160};
    for (int i = 0; i < 4; i++) {
      Map<String, Double> features = Map.of(TrackProfile.TEMPO_BPM, tempos[i]);
      profiles.add(new TrackProfile("t" + i, "T" + i, "Only Artist", "Only Genre", features));
    }
    Set<String> played = Set.of("t0", "t1", "t2", "t3");

    Diversifier.Result result = diversifier.select(ranked(profiles), played, 4);

    assertThat(ids(result)).containsExactly("t0", "t1", "t2", "t3");
    assertThat(result.relaxed())
        .containsExactly(
            DiversityRule.FEATURE_SPREAD,
            DiversityRule.GENRE_SHARE,
            DiversityRule.DISCOVERY_SHARE,
            DiversityRule.ARTIST_LIMIT);
  }

  @Test
  void tinyCatalog_limitAboveCandidates_returnsAllCandidates() {
    List<TrackProfile> profiles = List.of(track("a", "A", "g1"), track("b", "B", "g2"));

    Diversifier.Result result = diversifier.select(ranked(profiles), Set.of(), 10);

    assertThat(ids(result)).containsExactly("a", "b");
    assertThat(result.relaxed()).isEmpty();
  }

  @Test
  void select_zeroLimit_isRejected() {
    assertThatThrownBy(() -> diversifier.select(List.of(), Set.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be > 0: 0");
  }

  @Test
  void bandBounds_twoDistinctValues_disablesSpread() {
    List<ScoredCandidate> candidates =
        ranked(List.of(track("a", "A", 100, 0.5), track("b", "B", 120, 0.5)));

    assertThat(Diversifier.bandBounds(candidates, TrackProfile.TEMPO_BPM)).isNull();
    assertThat(Diversifier.bandBounds(candidates, TrackProfile.ENERGY)).isNull();
  }
}
