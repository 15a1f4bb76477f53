package dev.tonearm.server.catalog;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Storage of tracks and playlists. The reference server keeps one JSON file per record ({@link
 * FileCatalogRepository}); a production deployment backs this with database tables.
 *
 * <p>Implementations are thread-safe.
 */
public interface CatalogRepository {
  /** All tracks sorted by artist, album, title and id. */
  List<Track> tracks();

  /** Finds a track by id. */
  Optional<Track> track(String trackId);

  /** Inserts or replaces {@code track}. */
  void saveTrack(Track track) throws IOException;

  /** All playlists sorted by id. */
  List<Playlist> playlists();

  /** Finds a playlist by id. */
  Optional<Playlist> playlist(String playlistId);

  /** Inserts or replaces {@code playlist}. */
  void savePlaylist(Playlist playlist) throws IOException;
}
