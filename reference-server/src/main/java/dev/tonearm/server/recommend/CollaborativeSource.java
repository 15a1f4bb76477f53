package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Item-item collaborative filtering over play events. Two tracks are similar when the same accounts
 * played them: the cosine of their binary listener vectors, {@code |L(i) ∩ L(j)| / sqrt(|L(i)|
 * |L(j)|)}, where {@code L(t)} is the set of accounts that played or saved {@code t}. A track's
 * score is the sum of its similarities to the caller's anchors (see {@link
 * RecommendationContext#anchors}), and its explanation names the anchor that contributed most.
 * Tracks the caller already played are not proposed. Relevance is the score divided by the best
 * score of the request.
 *
 * <p>Cost per request is the sum over anchors and their listeners of each listener's played tracks.
 * To bound it, an anchor with more than {@code maxListenersPerAnchor} other listeners is scored
 * from a uniform sample of that many, drawn with the request's random, and its co-listen counts are
 * scaled up by the sampling ratio: an unbiased estimate whose noise grows as the sample shrinks.
 * Stateless and thread-safe.
 */
public final class CollaborativeSource implements CandidateSource {
  /** Default maximum number of anchors: 50. */
  public static final int DEFAULT_MAX_ANCHORS = 50;

  /** Default maximum number of listeners read per anchor: 200. */
  public static final int DEFAULT_MAX_LISTENERS_PER_ANCHOR = 200;

  private final int maxAnchors;
  private final int maxListenersPerAnchor;

  /** Creates a source with the default limits. */
  public CollaborativeSource() {
    this(DEFAULT_MAX_ANCHORS, DEFAULT_MAX_LISTENERS_PER_ANCHOR);
  }

  /**
   * Creates a source that bases similarity on at most {@code maxAnchors} played tracks and reads at
   * most {@code maxListenersPerAnchor} other listeners of each.
   */
  public CollaborativeSource(int maxAnchors, int maxListenersPerAnchor) {
    if (maxAnchors <= 0) {
      throw new IllegalArgumentException("maxAnchors must be > 0: " + maxAnchors);
    }
    if (maxListenersPerAnchor <= 0) {
      throw new IllegalArgumentException(
          "maxListenersPerAnchor must be > 0: " + maxListenersPerAnchor);
    }
    this.maxAnchors = maxAnchors;
    this.maxListenersPerAnchor = maxListenersPerAnchor;
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
      List<String> others = new ArrayList<>(anchorListeners);
      others.remove(context.accountId());
      double scale = 1;
      if (others.size() > maxListenersPerAnchor) {
        scale = (double) others.size() / maxListenersPerAnchor;
        others = sample(others, maxListenersPerAnchor, context.random());
      }
      Map<String, Integer> coListens = new HashMap<>();
      for (String listener : others) {
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
            scale * entry.getValue() / Math.sqrt((double) anchorListeners.size() * trackListeners);
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

  /** Returns {@code count} elements of {@code items} drawn uniformly without replacement. */
  private static List<String> sample(List<String> items, int count, Random random) {
    // NOTE: the draw also depends on the store's iteration order of the listener set, which
    // repeats when the same records arrive in the same order, but not across store types.
    for (int i = 0; i < count; i++) {
      Collections.swap(items, i, i + random.nextInt(items.size() - i));
    }
    return items.subList(0, count);
  }
}
