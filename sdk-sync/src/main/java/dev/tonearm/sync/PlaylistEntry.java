package dev.tonearm.sync;

import java.util.Objects;

/**
 * One visible entry of a playlist: a track and the id of the add operation that created it.
 *
 * <p>The id stays the same when the entry moves, so it identifies "this occurrence of the track"
 * even when the playlist contains the same track twice. Instances are immutable.
 */
public final class PlaylistEntry {
  private final OpId id;
  private final String trackId;

  public PlaylistEntry(OpId id, String trackId) {
    this.id = Objects.requireNonNull(id, "id");
    this.trackId = Objects.requireNonNull(trackId, "trackId");
  }

  public OpId id() {
    return id;
  }

  public String trackId() {
    return trackId;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PlaylistEntry)) {
      return false;
    }
    PlaylistEntry other = (PlaylistEntry) o;
    return id.equals(other.id) && trackId.equals(other.trackId);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + trackId.hashCode();
  }

  @Override
  public String toString() {
    return trackId + "@" + id;
  }
}
