package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Proposes unplayed tracks whose audio features are close to the caller's anchors (see {@link
 * RecommendationContext#anchors}) in a {@link FeatureSpace} of the request's catalog. Relevance is
 * the best {@link FeatureSpace#similarity} to any anchor. The explanation names that anchor and the
 * two features on which the pair is closest, such as "similar tempo and energy to Awakening".
 * Stateless and thread-safe.
 */
public final class ContentSource implements CandidateSource {
  /** Default maximum number of anchors: 10. */
  public static final int DEFAULT_MAX_ANCHORS = 10;

  private static final Map<String, String> FEATURE_WORDS =
      Map.of(
          TrackProfile.TEMPO_BPM, "tempo",
          TrackProfile.ENERGY, "energy",
          TrackProfile.LOUDNESS_LUFS, "loudness",
          TrackProfile.DURATION_MS, "duration");

  private final int maxAnchors;

  /** Creates a source with {@link #DEFAULT_MAX_ANCHORS}. */
  public ContentSource() {
    this(DEFAULT_MAX_ANCHORS);
  }

  /** Creates a source that compares with at most {@code maxAnchors} played tracks. */
  public ContentSource(int maxAnchors) {
    if (maxAnchors <= 0) {
      throw new IllegalArgumentException("maxAnchors must be > 0: " + maxAnchors);
    }
    this.maxAnchors = maxAnchors;
  }

  @Override
  public SourceKind kind() {
    return SourceKind.CONTENT;
  }

  @Override
  public List<Candidate> propose(RecommendationContext context, int maxCandidates) {
    List<String> anchors = context.anchors(maxAnchors);
    if (anchors.isEmpty()) {
      return List.of();
    }
    FeatureSpace space = new FeatureSpace(context.catalog().values());
    if (space.featureNames().isEmpty()) {
      return List.of();
    }
    Set<String> played = context.played();
    Map<String, Double> scores = new HashMap<>();
    Map<String, String> bestAnchor = new HashMap<>();
    for (String trackId : context.catalog().keySet()) {
      if (played.contains(trackId)) {
        continue;
      }
      for (String anchor : anchors) {
        double similarity = space.similarity(anchor, trackId);
        if (similarity > scores.getOrDefault(trackId, 0.0)) {
          scores.put(trackId, similarity);
          bestAnchor.put(trackId, anchor);
        }
      }
    }
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Double> entry : Ranking.top(scores, maxCandidates)) {
      String anchor = bestAnchor.get(entry.getKey());
      candidates.add(
          new Candidate(
              entry.getKey(),
              SourceKind.CONTENT,
              entry.getValue(),
              explain(space, anchor, entry.getKey(), context.catalog().get(anchor).title())));
    }
    return candidates;
  }

  private static String explain(
      FeatureSpace space, String anchor, String trackId, String anchorTitle) {
    List<FeatureSpace.FeatureGap> gaps = space.closestFeatures(anchor, trackId);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < Math.min(2, gaps.size()); i++) {
      words.add(featureWord(gaps.get(i).name()));
    }
    if (words.contains("energy") && words.contains("tempo")) {
      // Reads naturally in the order people say it.
      words = List.of("tempo", "energy");
    }
    return "similar " + String.join(" and ", words) + " to " + anchorTitle;
  }

  /** Returns a feature's name in words: a known name, or the camelCase name split and lowered. */
  static String featureWord(String name) {
    String known = FEATURE_WORDS.get(name);
    if (known != null) {
      return known;
    }
    return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
  }
}
