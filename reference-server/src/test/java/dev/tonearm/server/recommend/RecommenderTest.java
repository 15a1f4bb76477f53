package dev.tonearm.server.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.tonearm.server.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recommender over an in-memory catalog with tempo and energy: explanations of each source,
 * cold start, exploration of new tracks, seeded determinism and input checks.
 */
class RecommenderTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryInteractionStore store = new InMemoryInteractionStore(clock);
  private final List<TrackProfile> catalog = new ArrayList<>();

  /** Adds a track with tempo and energy. */
  private void addTrack(
      String id, String title, String artist, String genre, double tempoBpm, double energy) {
    Map<String, Double> features = new HashMap<>();
    features.put(TrackProfile.TEMPO_BPM, tempoBpm);
    features.put(TrackProfile.ENERGY, energy);
    catalog.add(new TrackProfile(id, title, artist, genre, features));
  }

  private Recommender recommender(long seed) {
    return Recommender.builder()
        .interactions(store)
        .profiles(() -> catalog)
        .random(new Random(seed))
        .build();
  }

  /** Twenty tracks by ten artists over four genres, tempo 70 to 165 BPM. */
  private void addTwentyTracks() {
    String[] genres = {"rock", "pop", "jazz", "electronic"};
    for (int i = 0; i < 20; i++) {
      addTrack("t" + i, "Song " + i, "Artist " + (i / 2), genres[i % 4], 70 + 5 * i, i / 20.0);
    }
  }

  private static Recommendation.Item item(Recommendation recommendation, String trackId) {
    return recommendation.items().stream()
        .filter(item -> item.trackId().equals(trackId))
        .findFirst()
        .orElse(null);
  }

  @Test
  void coldStart_newAccount_popularityAndDiscovery() {
    addTwentyTracks();
    for (int listener = 0; listener < 5; listener++) {
      store.record("listener-" + listener, "t3", FeedbackEvent.PLAY);
      store.record("listener-" + listener, "t8", FeedbackEvent.PLAY);
    }

    Recommendation recommendation = recommender(1).recommend("newcomer", 10);

    assertThat(recommendation.items()).hasSize(10);
    assertThat(recommendation.items())
        .extracting(Recommendation.Item::source)
        .containsOnly(SourceKind.POPULARITY, SourceKind.DISCOVERY)
        .contains(SourceKind.POPULARITY, SourceKind.DISCOVERY);
    assertThat(item(recommendation, "t3").explanation()).isEqualTo("popular now");
    assertThat(recommendation.items())
        .filteredOn(item -> item.source() == SourceKind.DISCOVERY)
        .extracting(Recommendation.Item::explanation)
        .containsOnly("something new");
    assertThat(recommendation.items()).allMatch(Recommendation.Item::discovery);
  }

  @Test
  void coldStart_emptyStore_recommendsFromWholeCatalog() {
    addTwentyTracks();

    Recommendation recommendation = recommender(2).recommend("newcomer", 5);

    assertThat(recommendation.items()).hasSize(5);
    assertThat(recommendation.items())
        .extracting(Recommendation.Item::source)
        .containsOnly(SourceKind.DISCOVERY);
  }

  @Test
  void collaborative_coListenedTrack_explainsWithPlayedTitle() {
    addTwentyTracks();
    for (int listener = 0; listener < 4; listener++) {
      store.record("fan-" + listener, "t0", FeedbackEvent.PLAY);
      store.record("fan-" + listener, "t11", FeedbackEvent.PLAY);
    }
    store.record("me", "t0", FeedbackEvent.SAVE);

    List<Candidate> candidates =
        new CollaborativeSource()
            .propose(new RecommendationContext("me", catalog, store, new Random(1)), 10);

    assertThat(candidates).extracting(Candidate::trackId).containsExactly("t11");
    assertThat(candidates.get(0).explanation()).isEqualTo("because you played Song 0");
    assertThat(candidates.get(0).relevance()).isEqualTo(1.0);
  }

  @Test
  void collaborative_cosine_prefersTrackSharedByMoreListeners() {
    addTwentyTracks();
    for (int listener = 0; listener < 4; listener++) {
      store.record("fan-" + listener, "t0", FeedbackEvent.PLAY);
      store.record("fan-" + listener, "t5", FeedbackEvent.PLAY);
    }
    store.record("fan-0", "t6", FeedbackEvent.PLAY);
    store.record("me", "t0", FeedbackEvent.PLAY);

    List<Candidate> candidates =
        new CollaborativeSource()
            .propose(new RecommendationContext("me", catalog, store, new Random(1)), 10);

    assertThat(candidates).extracting(Candidate::trackId).containsExactly("t5", "t6");
    assertThat(candidates.get(1).relevance()).isLessThan(candidates.get(0).relevance());
  }

  @Test
  void collaborative_manyListeners_sampledEstimateKeepsOrder() {
    addTwentyTracks();
    for (int fan = 0; fan < 300; fan++) {
      store.record("fan-" + fan, "t0", FeedbackEvent.PLAY);
      store.record("fan-" + fan, "t5", FeedbackEvent.PLAY);
      if (fan % 3 == 0) {
        store.record("fan-" + fan, "t6", FeedbackEvent.PLAY);
      }
    }
    store.record("me", "t0", FeedbackEvent.PLAY);
    RecommendationContext context = new RecommendationContext("me", catalog, store, new Random(8));

    List<Candidate> exact = new CollaborativeSource(50, 1000).propose(context, 10);
    List<Candidate> sampled = new CollaborativeSource(50, 50).propose(context, 10);

    assertThat(exact).extracting(Candidate::trackId).containsExactly("t5", "t6");
    assertThat(sampled).extracting(Candidate::trackId).containsExactly("t5", "t6");
    // Exact relevance of t6: cosine 100 / sqrt(301 * 100) over cosine 300 / sqrt(301 * 300).
    assertThat(exact.get(1).relevance()).isCloseTo(Math.sqrt(100.0 / 300), offset(1e-9));
    assertThat(sampled.get(1).relevance()).isCloseTo(Math.sqrt(100.0 / 300), offset(0.2));
  }

  @Test
  void collaborative_invalidLimits_areRejected() {
    assertThatThrownBy(() -> new CollaborativeSource(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAnchors must be > 0: 0");
    assertThatThrownBy(() -> new CollaborativeSource(10, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxListenersPerAnchor must be > 0: -1");
  }

  @Test
  void content_closestTrack_explainsWithTempoAndEnergy() {
    addTrack("anchor", "Anchor Song", "A", "rock", 120, 0.80);
    addTrack("close", "Close Song", "B", "pop", 121, 0.81);
    addTrack("far", "Far Song", "C", "jazz", 70, 0.10);
    addTrack("middle", "Middle Song", "D", "folk", 100, 0.50);
    store.record("me", "anchor", FeedbackEvent.PLAY);

    List<Candidate> candidates =
        new ContentSource()
            .propose(new RecommendationContext("me", catalog, store, new Random(1)), 10);

    assertThat(candidates).extracting(Candidate::trackId).containsExactly("close", "middle", "far");
    assertThat(candidates.get(0).explanation())
        .isEqualTo("similar tempo and energy to Anchor Song");
  }

  @Test
  void content_onlyLoudnessAndDuration_namesThoseFeatures() {
    catalog.add(
        new TrackProfile(
            "a",
            "First",
            "X",
            "",
            Map.of(TrackProfile.LOUDNESS_LUFS, -14.0, TrackProfile.DURATION_MS, 200_000.0)));
    catalog.add(
        new TrackProfile(
            "b",
            "Second",
            "Y",
            "",
            Map.of(TrackProfile.LOUDNESS_LUFS, -13.0, TrackProfile.DURATION_MS, 210_000.0)));
    catalog.add(
        new TrackProfile(
            "c",
            "Third",
            "Z",
            "",
            Map.of(TrackProfile.LOUDNESS_LUFS, -30.0, TrackProfile.DURATION_MS, 100_000.0)));
    store.record("me", "a", FeedbackEvent.PLAY);

    List<Candidate> candidates =
        new ContentSource()
            .propose(new RecommendationContext("me", catalog, store, new Random(1)), 10);

    assertThat(candidates.get(0).trackId()).isEqualTo("b");
    assertThat(candidates.get(0).explanation())
        .matches("similar (loudness and duration|duration and loudness) to First");
  }

  @Test
  void featureWord_camelCase_splitsWords() {
    assertThat(ContentSource.featureWord("acousticnessScore")).isEqualTo("acousticness score");
    assertThat(ContentSource.featureWord(TrackProfile.TEMPO_BPM)).isEqualTo("tempo");
  }

  @Test
  void recommend_afterPlays_mixesSourcesWithExplanations() {
    addTwentyTracks();
    for (int listener = 0; listener < 6; listener++) {
      store.record("fan-" + listener, "t0", FeedbackEvent.PLAY);
      store.record("fan-" + listener, "t13", FeedbackEvent.PLAY);
    }
    store.record("me", "t0", FeedbackEvent.PLAY);

    Recommendation recommendation = recommender(3).recommend("me", 10);

    assertThat(recommendation.items()).hasSize(10);
    for (Recommendation.Item item : recommendation.items()) {
      switch (item.source()) {
        case COLLABORATIVE -> assertThat(item.explanation()).isEqualTo("because you played Song 0");
        case CONTENT -> assertThat(item.explanation()).matches("similar .+ to Song 0");
        case POPULARITY -> assertThat(item.explanation()).isEqualTo("popular now");
        case DISCOVERY -> assertThat(item.explanation()).isEqualTo("something new");
      }
    }
    assertThat(item(recommendation, "t13")).isNotNull();
    assertThat(item(recommendation, "t13").source()).isEqualTo(SourceKind.COLLABORATIVE);
  }

  @Test
  void recommend_sameSeed_returnsSameList() {
    addTwentyTracks();
    store.record("me", "t4", FeedbackEvent.PLAY);
    store.record("other", "t4", FeedbackEvent.PLAY);
    store.record("other", "t9", FeedbackEvent.SAVE);

    List<String> first = ids(recommender(99).recommend("me", 8));
    List<String> second = ids(recommender(99).recommend("me", 8));
    List<String> otherSeed = ids(recommender(100).recommend("me", 8));

    assertThat(first).isEqualTo(second);
    assertThat(first).isNotEqualTo(otherSeed);
  }

  @Test
  void recommend_rulesHold_onTwentyTrackCatalog() {
    addTwentyTracks();
    store.record("me", "t1", FeedbackEvent.PLAY);
    store.record("me", "t2", FeedbackEvent.PLAY);

    for (long seed = 0; seed < 20; seed++) {
      Recommendation recommendation = recommender(seed).recommend("me", 10);
      Map<String, Integer> perArtist = new HashMap<>();
      Map<String, Integer> perGenre = new HashMap<>();
      int discoveries = 0;
      for (Recommendation.Item item : recommendation.items()) {
        perArtist.merge(item.artist(), 1, Integer::sum);
        perGenre.merge(item.genre(), 1, Integer::sum);
        discoveries += item.discovery() ? 1 : 0;
      }
      assertThat(recommendation.items()).as("seed %d", seed).hasSize(10);
      assertThat(perArtist.values()).as("seed %d", seed).allMatch(count -> count <= 2);
      assertThat(perGenre.values()).as("seed %d", seed).allMatch(count -> count <= 4);
      assertThat(discoveries).as("seed %d", seed).isGreaterThanOrEqualTo(2);
      assertThat(recommendation.relaxed()).as("seed %d", seed).isEmpty();
    }
  }

  @Test
  void newTrack_withoutPlays_isExploredFirst() {
    addTrack("old", "Old", "A", "rock", 100, 0.5);
    addTrack("new", "New", "B", "pop", 110, 0.6);
    for (int listener = 0; listener < 20; listener++) {
      store.record("listener-" + listener, "old", FeedbackEvent.SKIP);
    }
    store.record("listener-0", "old", FeedbackEvent.PLAY);
    Recommender recommender = recommender(4);

    int newFirst = 0;
    for (int request = 0; request < 200; request++) {
      if (recommender.recommend("me", 1).items().get(0).trackId().equals("new")) {
        newFirst++;
      }
    }

    assertThat(newFirst).isGreaterThan(150);
  }

  @Test
  void popularity_oldPlays_decayBelowRecentPlays() {
    store.record("a", "old-hit", FeedbackEvent.PLAY);
    store.record("b", "old-hit", FeedbackEvent.PLAY);
    clock.advance(InMemoryInteractionStore.DEFAULT_POPULARITY_HALF_LIFE.multipliedBy(2));
    store.record("c", "new-hit", FeedbackEvent.PLAY);
    store.record("d", "new-hit", FeedbackEvent.PLAY);

    assertThat(store.popularity("old-hit")).isCloseTo(0.5, offset(1e-9));
    assertThat(store.popularity("new-hit")).isCloseTo(2.0, offset(1e-9));
    clock.advance(Duration.ofDays(7));
    assertThat(store.popularity("new-hit")).isCloseTo(1.0, offset(1e-9));
  }

  @Test
  void store_skipOnly_doesNotCountAsPlayed() {
    store.record("me", "t", FeedbackEvent.SKIP);

    assertThat(store.playedTracks("me")).isEmpty();
    assertThat(store.listeners("t")).isEmpty();
    assertThat(store.engagement("me", "t")).isEqualTo(new Engagement(0, 1, 0));
  }

  @Test
  void recommend_badLimit_isRejected() {
    addTwentyTracks();
    Recommender recommender = recommender(5);

    for (int limit : new int[] {0, -1, Recommender.MAX_LIMIT + 1}) {
      assertThatThrownBy(() -> recommender.recommend("me", limit))
          .isInstanceOfSatisfying(
              RecommendationException.class,
              e -> assertThat(e.reason()).isEqualTo(RecommendationException.Reason.INVALID_LIMIT))
          .hasMessageContaining(String.valueOf(limit));
    }
  }

  @Test
  void feedback_unknownTrack_isRejectedAndNotStored() {
    addTwentyTracks();
    Recommender recommender = recommender(6);

    assertThatThrownBy(() -> recommender.feedback("me", "t-missing", FeedbackEvent.PLAY))
        .isInstanceOfSatisfying(
            RecommendationException.class,
            e -> assertThat(e.reason()).isEqualTo(RecommendationException.Reason.UNKNOWN_TRACK))
        .hasMessageContaining("t-missing");
    assertThat(store.totalEngagement("t-missing")).isEqualTo(Engagement.NONE);
  }

  @Test
  void feedback_play_marksOnlyCallerPlayed() {
    addTwentyTracks();
    Recommender recommender = recommender(7);

    recommender.feedback("me", "t7", FeedbackEvent.PLAY);

    assertThat(store.playedTracks("me")).containsExactly("t7");
    assertThat(store.playedTracks("someone-else")).isEmpty();
  }

  private static List<String> ids(Recommendation recommendation) {
    return recommendation.items().stream().map(Recommendation.Item::trackId).toList();
  }
}
