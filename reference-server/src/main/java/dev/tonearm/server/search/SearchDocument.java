package dev.tonearm.server.search;

import java.util.Objects;

/**
 * One searchable entry. Its text is indexed in three fields weighted title above artist above
 * album. Immutable.
 *
 * @param type kind of entry; with {@code id} it identifies the document in the index
 * @param id track or playlist id, or a derived id for artists and albums
 * @param title track title, artist name, album title or playlist name
 * @param artist artist of a track or album, otherwise empty
 * @param album album of a track, otherwise empty
 * @param trackCount tracks of an artist, album or playlist; 1 for a track
 */
public record SearchDocument(
    SearchType type, String id, String title, String artist, String album, int trackCount) {
  public SearchDocument {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(artist, "artist");
    Objects.requireNonNull(album, "album");
    if (trackCount < 0) {
      throw new IllegalArgumentException("trackCount must be >= 0: " + trackCount);
    }
  }
}
