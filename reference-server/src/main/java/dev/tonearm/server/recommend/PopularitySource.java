package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Proposes the tracks with the highest {@link InteractionStore#popularity}, played or not, with the
 * explanation "popular now". Tracks without plays are not proposed. Relevance is the popularity
 * divided by the request's highest. Stateless and thread-safe.
 */
public final class PopularitySource implements CandidateSource {
  /** Explanation of every candidate of this source. */
  public static final String EXPLANATION = "popular now";

  @Override
  public SourceKind kind() {
    return SourceKind.POPULARITY;
  }

  @Override
  public List<Candidate> propose(RecommendationContext context, int maxCandidates) {
    Map<String, Double> scores = new HashMap<>();
    for (String trackId : context.catalog().keySet()) {
      double popularity = context.interactions().popularity(trackId);
      if (popularity > 0) {
        scores.put(trackId, popularity);
      }
    }
    List<Map.Entry<String, Double>> ranked = Ranking.top(scores, maxCandidates);
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Double> entry : ranked) {
      double relevance = Math.min(1.0, entry.getValue() / ranked.get(0).getValue());
      candidates.add(new Candidate(entry.getKey(), SourceKind.POPULARITY, relevance, EXPLANATION));
    }
    return candidates;
  }
}
