package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Proposes tracks the caller has never played, least exposed first, with the explanation "something
 * new". Exposure is the number of feedback events from all accounts; tracks with equal exposure
 * come in an order shuffled with the request's random. Relevance is {@code 0.5 / (1 + exposure)}:
 * half that of the best candidate of another source, because novelty alone is weak evidence, and
 * lower the more the track has been heard. Together with the optimistic prior of {@link
 * EngagementModel}, this source is how new tracks get explored. Stateless and thread-safe.
 */
public final class DiscoverySource implements CandidateSource {
  /** Explanation of every candidate of this source. */
  public static final String EXPLANATION = "something new";

  /** Relevance of a track without any feedback. */
  static final double MAX_RELEVANCE = 0.5;

  @Override
  public SourceKind kind() {
    return SourceKind.DISCOVERY;
  }

  @Override
  public List<Candidate> propose(RecommendationContext context, int maxCandidates) {
    Set<String> played = context.played();
    List<String> unplayed = new ArrayList<>();
    for (String trackId : context.catalog().keySet()) {
      if (!played.contains(trackId)) {
        unplayed.add(trackId);
      }
    }
    // Sorting the ids first makes the shuffle depend only on the seed, not on catalog order.
    Collections.sort(unplayed);
    Collections.shuffle(unplayed, context.random());
    List<long[]> exposureByIndex = new ArrayList<>();
    for (int i = 0; i < unplayed.size(); i++) {
      long exposure = context.interactions().totalEngagement(unplayed.get(i)).total();
      exposureByIndex.add(new long[] {exposure, i});
    }
    // A stable sort keeps the shuffled order among equal exposures.
    exposureByIndex.sort((a, b) -> Long.compare(a[0], b[0]));
    List<Candidate> candidates = new ArrayList<>();
    for (long[] entry : exposureByIndex) {
      if (candidates.size() >= maxCandidates) {
        break;
      }
      candidates.add(
          new Candidate(
              unplayed.get((int) entry[1]),
              SourceKind.DISCOVERY,
              MAX_RELEVANCE / (1 + entry[0]),
              EXPLANATION));
    }
    return candidates;
  }
}
