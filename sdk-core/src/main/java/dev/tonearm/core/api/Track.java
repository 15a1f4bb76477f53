package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One catalog entry from {@code GET /v1/tracks}. Immutable. */
public final class Track {
  private final String id;
  private final String title;
  private final String artist;
  private final String album;
  private final String genre;
  private final long durationMs;

  /** Creates a track. The id is required. */
  @JsonCreator
  public Track(
      @JsonProperty("id") String id,
      @JsonProperty("title") String title,
      @JsonProperty("artist") String artist,
      @JsonProperty("album") String album,
      @JsonProperty("genre") String genre,
      @JsonProperty("durationMs") long durationMs) {
    this.id = Models.requireText(id, "id");
    this.title = title;
    this.artist = artist;
    this.album = album;
    this.genre = genre;
    this.durationMs = durationMs;
  }

  public String id() {
    return id;
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

  public long durationMs() {
    return durationMs;
  }

  @Override
  public String toString() {
    return "Track{" + id + ", " + artist + " - " + title + ", " + durationMs + " ms}";
  }
}
