package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A named, ordered list of track ids, such as {@code GET /v1/playlists/demo}. Immutable. */
public final class Playlist {
  private final String id;
  private final String name;
  private final List<String> trackIds;

  /** Creates a playlist. The id is required, and a missing track list reads as empty. */
  @JsonCreator
  public Playlist(
      @JsonProperty("id") String id,
      @JsonProperty("name") String name,
      @JsonProperty("trackIds") List<String> trackIds) {
    this.id = Models.requireText(id, "id");
    this.name = name;
    this.trackIds = Models.copyOf(trackIds, "trackIds");
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** Track ids in play order, as an unmodifiable list. */
  public List<String> trackIds() {
    return trackIds;
  }

  @Override
  public String toString() {
    return "Playlist{" + id + ", " + name + ", " + trackIds.size() + " tracks}";
  }
}
