package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Item-item collaborative filtering over play events. Two tracks are similar when the same
 * accounts played them: the cosine of their binary listener vectors, {@code |L(i) ∩ L(j)| /
 * sqrt(|L(i)| |L(j)|)}, where {@code L(t)} is the set of accounts that played or saved {@code t}.
 * A track's score is the sum of its similarities to the caller's anchors (see {@link
 * RecommendationContext#anchors}), and its explanation names the anchor that contributed most.
 * Tracks the caller already played are not proposed. Relevance is the score divided by the best
 * score of the request.
 *
 * <p>Cost per request is the sum over anchors and their listeners of each listener's played
 * tracks. Stateless and thread-safe.
 */
public final class CollaborativeSource implements CandidateSource {
  /** Default maximum number of anchors: 50. */
  public static final int DEFAULT_MAX_ANCHORS = 50;

  private final int maxAnchors;

  /** Creates a source with {@link #DEFAULT_MAX_ANCHORS}. */
  public CollaborativeSource() {
    this(DEFAULT_MAX_ANCHORS);
  }

  /** Creates a source that bases similarity on at most {@code maxAnchors} played tracks. */
  public CollaborativeSource(int maxAnchors) {
    if (maxAnchors <= 0) {
      throw new IllegalArgumentException("maxAnchors must be > 0: " + maxAnchors);
    }
    this.maxAnchors = maxAnchors;
  }

  @Override
  public SourceKind kind() {
    return SourceKind.COLLABORATIVE;
  }

  @Override
  public List<Candidate> propose(RecommendationContext context, int maxCandidates) {
    InteractionStore interactions = context.interactions();
    Set<String> played = context.played();
    Map<String, Double> scores = new HashMap<>();
    Map<String, String> bestAnchor = new HashMap<>();
    Map<String, Double> bestContribution = new HashMap<>();
    Map<String, Integer> listenerCounts = new HashMap<>();
    for (String anchor : context.anchors(maxAnchors)) {
      Set<String> anchorListeners = interactions.listeners(anchor);
      Map<String, Integer> coListens = new HashMap<>();
      for (String listener : anchorListeners) {
        if (listener.equals(context.accountId())) {
          continue;
        }
        for (String trackId : interactions.playedTracks(listener)) {
          if (!played.contains(trackId) && context.catalog().containsKey(trackId)) {
            coListens.merge(trackId, 1, Integer::sum);
          }
        }
      }
      for (Map.Entry<String, Integer> entry : coListens.entrySet()) {
        String trackId = entry.getKey();
        int trackListeners =
            listenerCounts.computeIfAbsent(trackId, id -> interactions.listeners(id).size());
        double cosine =
            entry.getValue() / Math.sqrt((double) anchorListeners.size() * trackListeners);
        scores.merge(trackId, cosine, Double::sum);
        Double best = bestContribution.get(trackId);
        boolean better =
            best == null
                || cosine > best
                || (cosine == best && anchor.compareTo(bestAnchor.get(trackId)) < 0);
        if (better) {
          bestContribution.put(trackId, cosine);
          bestAnchor.put(trackId, anchor);
        }
      }
    }
    List<Map.Entry<String, Double>> ranked = Ranking.top(scores, maxCandidates);
    double maxScore = ranked.isEmpty() ? 0 : ranked.get(0).getValue();
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Double> entry : ranked) {
      String anchorTitle = context.catalog().get(bestAnchor.get(entry.getKey())).title();
      candidates.add(
          new Candidate(
              entry.getKey(),
              SourceKind.COLLABORATIVE,
              Math.min(1.0, entry.getValue() / maxScore),
              "because you played " + anchorTitle));
    }
    return candidates;
  }
}
