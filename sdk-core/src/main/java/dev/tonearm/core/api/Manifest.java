package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Everything needed to stream one track: metadata, loudness, the edge base URLs and the
 * renditions, as returned by {@code GET /v1/tracks/{id}/manifest}. Immutable.
 */
public final class Manifest {
  private final String trackId;
  private final String title;
  private final String artist;
  private final String album;
  private final String genre;
  private final long durationMs;
  private final Loudness loudness;
  private final List<String> edges;
  private final List<Rendition> renditions;

  /** Creates a manifest. The track id and duration are required. */
  @JsonCreator
  public Manifest(
      @JsonProperty("trackId") String trackId,
      @JsonProperty("title") String title,
      @JsonProperty("artist") String artist,
      @JsonProperty("album") String album,
      @JsonProperty("genre") String genre,
      @JsonProperty("durationMs") Long durationMs,
      @JsonProperty("loudness") Loudness loudness,
      @JsonProperty("edges") List<String> edges,
      @JsonProperty("renditions") List<Rendition> renditions) {
    this.trackId = Models.requireText(trackId, "trackId");
    this.title = title;
    this.artist = artist;
    this.album = album;
    this.genre = genre;
    this.durationMs = Models.requirePresent(durationMs, "durationMs");
    this.loudness = loudness;
    this.edges = Models.copyOf(edges, "edges");
    this.renditions = Models.copyOf(renditions, "renditions");
  }

  public String trackId() {
    return trackId;
  }

  public String title() {
    return title;
  }

  public String artist() {
    return artist;
  }

  public String album() {
    return album;
  }

  public String genre() {
    return genre;
  }

  /** Duration of the track in milliseconds. */
  public long durationMs() {
    return durationMs;
  }

  /** Measured loudness, or null when the server has none. */
  public Loudness loudness() {
    return loudness;
  }

  /** Edge base URLs in the server's order of preference, as an unmodifiable list. */
  public List<String> edges() {
    return edges;
  }

  /** Available renditions, as an unmodifiable list. */
  public List<Rendition> renditions() {
    return renditions;
  }

  /** Returns the rendition with {@code id}, or null. */
  public Rendition rendition(String id) {
    for (Rendition rendition : renditions) {
      if (rendition.id().equals(id)) {
        return rendition;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Manifest{" + trackId + ", " + durationMs + " ms, " + renditions.size() + " renditions}";
  }
}
