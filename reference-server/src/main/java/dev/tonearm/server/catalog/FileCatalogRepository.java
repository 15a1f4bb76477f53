package dev.tonearm.server.catalog;

import dev.tonearm.server.OwnerOnlyFiles;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Tracks and playlists as one JSON file each, read into memory at construction. Saves write a
 * temporary file and rename it atomically, so readers of the folder never see half a record.
 *
 * <p>Another process that writes the same folder (the {@code ingest} command while a server runs)
 * is not seen until the server restarts.
 *
 * <p>Thread-safe.
 */
public final class FileCatalogRepository implements CatalogRepository {
  /** Allowed ids: letters, digits, dot, dash and underscore, so ids are safe file names. */
  static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Comparator<Track> LISTING_ORDER =
      Comparator.comparing(Track::artist)
          .thenComparing(Track::album)
          .thenComparing(Track::title)
          .thenComparing(Track::id);

  private final Path tracksDir;
  private final Path playlistsDir;
  private final Map<String, Track> tracks = new ConcurrentHashMap<>();
  private final Map<String, Playlist> playlists = new ConcurrentHashMap<>();

  /** Loads every record under the two folders, which must exist. */
  public FileCatalogRepository(Path tracksDir, Path playlistsDir) throws IOException {
    this.tracksDir = tracksDir;
    this.playlistsDir = playlistsDir;
    for (Path file : jsonFiles(tracksDir)) {
      Track track = Json.MAPPER.readValue(file.toFile(), Track.class);
      tracks.put(track.id(), track);
    }
    for (Path file : jsonFiles(playlistsDir)) {
      Playlist playlist = Json.MAPPER.readValue(file.toFile(), Playlist.class);
      playlists.put(playlist.id(), playlist);
    }
  }

  /** Returns whether {@code id} is a valid track, rendition or playlist id. */
  public static boolean isValidId(String id) {
    return id != null && ID_PATTERN.matcher(id).matches();
  }

  @Override
  public List<Track> tracks() {
    List<Track> sorted = new ArrayList<>(tracks.values());
    sorted.sort(LISTING_ORDER);
    return sorted;
  }

  @Override
  public Optional<Track> track(String trackId) {
    return Optional.ofNullable(tracks.get(trackId));
  }

  @Override
  public synchronized void saveTrack(Track track) throws IOException {
    requireValidId(track.id());
    writeAtomically(tracksDir.resolve(track.id() + ".json"), track);
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
  public synchronized void savePlaylist(Playlist playlist) throws IOException {
    requireValidId(playlist.id());
    writeAtomically(playlistsDir.resolve(playlist.id() + ".json"), playlist);
    playlists.put(playlist.id(), playlist);
  }

  private static void requireValidId(String id) {
    if (!isValidId(id)) {
      throw new IllegalArgumentException("id must match " + ID_PATTERN + ": " + id);
    }
  }

  private static void writeAtomically(Path file, Object record) throws IOException {
    OwnerOnlyFiles.writeAtomically(
        file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
  }

  private static List<Path> jsonFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
      stream.forEach(files::add);
    }
    files.sort(Comparator.naturalOrder());
    return files;
  }
}
