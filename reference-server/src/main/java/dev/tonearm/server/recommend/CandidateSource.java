package dev.tonearm.server.recommend;

import java.util.List;

/**
 * Proposes tracks for one account. Implementations are thread-safe and draw randomness only from
 * {@link RecommendationContext#random()}, so a seeded random makes their output repeatable.
 */
public interface CandidateSource {
  /** Returns the kind written on this source's candidates. */
  SourceKind kind();

  /**
   * Proposes at most {@code maxCandidates} tracks from {@code context}'s catalog, most relevant
   * first, each track at most once.
   */
  List<Candidate> propose(RecommendationContext context, int maxCandidates);
}
