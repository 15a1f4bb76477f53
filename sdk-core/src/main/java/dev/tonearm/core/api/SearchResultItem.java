package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One ranked result of {@code GET /v1/search}, with null in the fields that do not apply to its
 * type. Tracks have title, artist and album. Artists and playlists have name and track count. Albums
 * have title, artist and track count. Immutable.
 */
public final class SearchResultItem {
  private final String type;
  private final String id;
  private final String title;
  private final String name;
  private final String artist;
  private final String album;
  private final Integer trackCount;
  private final double score;

  /** Creates a result. Type and id are required. */
  @JsonCreator
  public SearchResultItem(
      @JsonProperty("type") String type,
      @JsonProperty("id") String id,
      @JsonProperty("title") String title,
      @JsonProperty("name") String name,
      @JsonProperty("artist") String artist,
      @JsonProperty("album") String album,
      @JsonProperty("trackCount") Integer trackCount,
      @JsonProperty("score") double score) {
    this.type = Models.requireText(type, "type");
    this.id = Models.requireText(id, "id");
    this.title = title;
    this.name = name;
    this.artist = artist;
    this.album = album;
    this.trackCount = trackCount;
    this.score = score;
  }

  /** Type name: {@code track}, {@code artist}, {@code album} or {@code playlist}. */
  public String type() {
    return type;
  }

  /** Track or playlist id, or the derived {@code ar-}/{@code al-} id of an artist or album. */
  public String id() {
    return id;
  }

  /** Title of a track or album, otherwise null. */
  public String title() {
    return title;
  }

  /** Name of an artist or playlist, otherwise null. */
  public String name() {
    return name;
  }

  /** Artist of a track or album, otherwise null. */
  public String artist() {
    return artist;
  }

  /** Album of a track, otherwise null. */
  public String album() {
    return album;
  }

  /** Tracks of an artist, album or playlist, otherwise null. */
  public Integer trackCount() {
    return trackCount;
  }

  /** Relevance; it orders the results of one response and means nothing across responses. */
  public double score() {
    return score;
  }

  @Override
  public String toString() {
    return "SearchResultItem{" + type + ", " + id + ", " + (title != null ? title : name) + "}";
  }
}
