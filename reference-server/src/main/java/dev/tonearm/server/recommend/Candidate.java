package dev.tonearm.server.recommend;

import java.util.Objects;

/**
 * A track proposed by a {@link CandidateSource}. Immutable.
 *
 * @param trackId proposed track
 * @param source the generator that proposed it
 * @param relevance the generator's confidence in [0, 1], comparable within one source only
 * @param explanation why the track was proposed, in words shown to the listener, such as "because
 *     you played Awakening"
 */
public record Candidate(String trackId, SourceKind source, double relevance, String explanation) {
  public Candidate {
    Objects.requireNonNull(trackId, "trackId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(explanation, "explanation");
    if (!(relevance >= 0 && relevance <= 1)) {
      throw new IllegalArgumentException("relevance must be in [0, 1]: " + relevance);
    }
  }
}
