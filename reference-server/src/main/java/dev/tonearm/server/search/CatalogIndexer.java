package dev.tonearm.server.search;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.catalog.Track;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link CatalogRepository} that keeps a {@link SearchIndex} in step with the catalog it wraps.
 * Construction indexes every track and playlist; each later {@link #saveTrack} (ingest) and {@link
 * #savePlaylist} updates the index after the save succeeds. The playlists of the sync service are
 * not indexed: they are private to their collaborators and are not catalog records.
 *
 * <p>Artists and albums are derived from the tracks. An artist document has the id {@code ar-}
 * plus the first 12 hex digits of the SHA-256 of the normalised artist name. An album document has
 * {@code al-} plus the same digest of the normalised artist and album. Tracks with an empty artist
 * or album add no such document.
 *
 * <p>Thread-safe: reads go straight to the delegate and saves are serialised on this object.
 */
public final class CatalogIndexer implements CatalogRepository {
  private final CatalogRepository delegate;
  private final SearchIndex index;

  // Guarded by this: the indexed version of each track and the tracks of each derived document.
  private final Map<String, Track> indexedTracks = new HashMap<>();
  private final Map<String, Group> artists = new HashMap<>();
  private final Map<String, Group> albums = new HashMap<>();

  /** Wraps {@code delegate} and indexes its current tracks and playlists into {@code index}. */
  public CatalogIndexer(CatalogRepository delegate, SearchIndex index) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.index = Objects.requireNonNull(index, "index");
    synchronized (this) {
      // Each artist and album document is written once, after all its tracks are counted.
      for (Track track : delegate.tracks()) {
        indexTrack(track, false);
      }
      artists.forEach((id, group) -> index.upsert(group.document(SearchType.ARTIST, id)));
      albums.forEach((id, group) -> index.upsert(group.document(SearchType.ALBUM, id)));
      for (Playlist playlist : delegate.playlists()) {
        indexPlaylist(playlist);
      }
    }
  }

  /** Returns the document that {@link #saveTrack} indexes for {@code track}. */
  public static SearchDocument trackDocument(Track track) {
    return new SearchDocument(
        SearchType.TRACK, track.id(), track.title(), track.artist(), track.album(), 1);
  }

  /** Returns the derived id of the artist named {@code artist}. */
  public static String artistId(String artist) {
    return "ar-" + digest(TextNormalizer.normalize(artist));
  }

  /** Returns the derived id of {@code album} by {@code artist}. */
  public static String albumId(String artist, String album) {
    return "al-"
        + digest(TextNormalizer.normalize(artist) + '\u0000' + TextNormalizer.normalize(album));
  }

  @Override
  public List<Track> tracks() {
    return delegate.tracks();
  }

  @Override
  public Optional<Track> track(String trackId) {
    return delegate.track(trackId);
  }

  @Override
  public synchronized void saveTrack(Track track) throws IOException {
    delegate.saveTrack(track);
    indexTrack(track, true);
  }

  @Override
  public List<Playlist> playlists() {
    return delegate.playlists();
  }

  @Override
  public Optional<Playlist> playlist(String playlistId) {
    return delegate.playlist(playlistId);
  }

  @Override
  public synchronized void savePlaylist(Playlist playlist) throws IOException {
    delegate.savePlaylist(playlist);
    indexPlaylist(playlist);
  }

  /**
   * Indexes {@code track} and counts it in its artist and album; {@code upsertGroups} also writes
   * their documents.
   */
  private void indexTrack(Track track, boolean upsertGroups) {
    Track previous = indexedTracks.put(track.id(), track);
    if (previous != null) {
      leaveGroups(previous);
    }
    index.upsert(trackDocument(track));
    if (!TextNormalizer.tokenize(track.artist()).isEmpty()) {
      String id = artistId(track.artist());
      Group artist = artists.computeIfAbsent(id, unused -> new Group(track.artist(), ""));
      artist.trackIds.add(track.id());
      if (upsertGroups) {
        index.upsert(artist.document(SearchType.ARTIST, id));
      }
    }
    if (!TextNormalizer.tokenize(track.album()).isEmpty()) {
      String id = albumId(track.artist(), track.album());
      Group album = albums.computeIfAbsent(id, unused -> new Group(track.album(), track.artist()));
      album.trackIds.add(track.id());
      if (upsertGroups) {
        index.upsert(album.document(SearchType.ALBUM, id));
      }
    }
  }

  /**
   * Removes {@code track} from its artist and album. A document left without tracks is removed,
   * and any other gets its new track count.
   */
  private void leaveGroups(Track track) {
    leave(artists, SearchType.ARTIST, artistId(track.artist()), track.id());
    leave(albums, SearchType.ALBUM, albumId(track.artist(), track.album()), track.id());
  }

  private void leave(Map<String, Group> groups, SearchType type, String id, String trackId) {
    Group group = groups.get(id);
    if (group == null || !group.trackIds.remove(trackId)) {
      return;
    }
    if (group.trackIds.isEmpty()) {
      groups.remove(id);
      index.remove(type, id);
    } else {
      index.upsert(group.document(type, id));
    }
  }

  private void indexPlaylist(Playlist playlist) {
    index.upsert(
        new SearchDocument(
            SearchType.PLAYLIST,
            playlist.id(),
            playlist.name(),
            "",
            "",
            playlist.trackIds().size()));
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Tracks of one artist or album, with the display text of the first track seen. */
  private static final class Group {
    final String title;
    final String artist;
    final Set<String> trackIds = new HashSet<>();

    Group(String title, String artist) {
      this.title = title;
      this.artist = artist;
    }

    SearchDocument document(SearchType type, String id) {
      return new SearchDocument(type, id, title, artist, "", trackIds.size());
    }
  }
}
