package dev.tonearm.server.search;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.catalog.Track;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A catalog held in maps, for tests that need no files. Thread-safe. */
final class InMemoryCatalog implements CatalogRepository {
  private final Map<String, Track> tracks = new ConcurrentHashMap<>();
  private final Map<String, Playlist> playlists = new ConcurrentHashMap<>();

  /** Creates a track with the given text fields and no renditions. */
  static Track track(String id, String title, String artist, String album) {
    return new Track(
        id, title, artist, album, "", 1000, null, List.of(), "wav", id + ".wav", List.of(), 0);
  }

  @Override
  public List<Track> tracks() {
    List<Track> sorted = new ArrayList<>(tracks.values());
    sorted.sort(Comparator.comparing(Track::id));
    return sorted;
  }

  @Override
  public Optional<Track> track(String trackId) {
    return Optional.ofNullable(tracks.get(trackId));
  }

  @Override
  public void saveTrack(Track track) {
    tracks.put(track.id(), track);
  }

  @Override
  public List<Playlist> playlists() {
    List<Playlist> sorted = new ArrayList<>(playlists.values());
    sorted.sort(Comparator.comparing(Playlist::id));
    return sorted;
  }

  @Override
  public Optional<Playlist> playlist(String playlistId) {
    return Optional.ofNullable(playlists.get(playlistId));
  }

  @Override
  public void savePlaylist(Playlist playlist) {
    playlists.put(playlist.id(), playlist);
  }
}
