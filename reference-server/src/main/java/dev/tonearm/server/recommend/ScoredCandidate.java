package dev.tonearm.server.recommend;

/**
 * A candidate with its track profile and its Thompson sampling score. Immutable.
 *
 * @param score the sampled engagement probability weighted by relevance, in [0, 1]
 */
public record ScoredCandidate(Candidate candidate, TrackProfile profile, double score) {
  /** Returns the candidate's track id. */
  public String trackId() {
    return candidate.trackId();
  }
}
