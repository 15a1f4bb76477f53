package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One track of {@code GET /v1/recommendations}, with the reason it was chosen. Immutable. */
public final class Recommendation {
  private final String trackId;
  private final String title;
  private final String artist;
  private final String genre;
  private final String source;
  private final String explanation;
  private final double score;
  private final boolean discovery;

  /** Creates a recommendation. Track id, source and explanation are required. */
  @JsonCreator
  public Recommendation(
      @JsonProperty("trackId") String trackId,
      @JsonProperty("title") String title,
      @JsonProperty("artist") String artist,
      @JsonProperty("genre") String genre,
      @JsonProperty("source") String source,
      @JsonProperty("explanation") String explanation,
      @JsonProperty("score") double score,
      @JsonProperty("discovery") boolean discovery) {
    this.trackId = Models.requireText(trackId, "trackId");
    this.title = title;
    this.artist = artist;
    this.genre = genre;
    this.source = Models.requireText(source, "source");
    this.explanation = Models.requireText(explanation, "explanation");
    this.score = score;
    this.discovery = discovery;
  }

  /** Catalog track id, as in {@code GET /v1/tracks}. */
  public String trackId() {
    return trackId;
  }

  public String title() {
    return title;
  }

  public String artist() {
    return artist;
  }

  public String genre() {
    return genre;
  }

  /**
   * Candidate source that proposed the track: {@code COLLABORATIVE}, {@code CONTENT}, {@code
   * POPULARITY} or {@code DISCOVERY}. Newer servers may add sources, so callers keep a default.
   */
  public String source() {
    return source;
  }

  /** Reason for display, such as {@code because you played Apex Aleph} or {@code popular now}. */
  public String explanation() {
    return explanation;
  }

  /** Ranking score in [0, 1]. It is random by design and differs between requests. */
  public double score() {
    return score;
  }

  /** Returns whether the caller has never played or saved the track. */
  public boolean discovery() {
    return discovery;
  }

  @Override
  public String toString() {
    return "Recommendation{" + trackId + ", " + source + ", " + explanation + "}";
  }
}
