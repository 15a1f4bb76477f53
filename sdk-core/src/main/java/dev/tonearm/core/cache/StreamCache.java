package dev.tonearm.core.cache;

import dev.tonearm.core.PlaybackException;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-disk cache of verified stream chunks, limited in bytes and evicted least recently used
 * first, kept across plays and restarts.
 *
 * <p>Ownership rules, which keep the cache from ever touching offline downloads or other data:
 *
 * <ul>
 *   <li>The cache works in exactly one folder. It claims the folder with the marker file {@value
 *       #MARKER_FILE_NAME} and refuses a folder that has other files but no marker.
 *   <li>It reads, writes and deletes only regular files directly in that folder whose names it
 *       generates ({@link ChunkKey#fileName()}, its {@code .tmp} twin and {@value
 *       #INDEX_FILE_NAME}). It never descends into subfolders and never follows a path out of the
 *       folder, so files of any other name, subfolders and everything outside are left alone.
 * </ul>
 *
 * <p>Integrity: {@link #put} stores a chunk only when its SHA-256 matches the digest given, and
 * {@link #get} checks the digest again and deletes a file that no longer matches. Writes go to a
 * temporary file that is renamed into place, so a crash leaves either the whole chunk or none.
 *
 * <p>Persistence: the files are the source of truth for what is cached. {@value #INDEX_FILE_NAME}
 * lists the names from least to most recently used. It is rewritten after each put or eviction
 * and on {@link #flush()} and {@link #close()}, so a crash loses only the order of recent reads.
 * Files missing from the index are ordered by modification time, oldest first.
 *
 * <p>Logging: a folder shared with another server's objects (the same track ids with other bytes)
 * makes many chunks fail their digest. The first mismatch of each track is logged at WARN, and
 * later ones at DEBUG with the count so far. The counts are kept for at most {@value
 * #MAX_MISMATCH_TRACKS} tracks, least recently failed forgotten first, after which a forgotten
 * track's next mismatch is logged at WARN again.
 *
 * <p>Threading: thread-safe. All methods synchronize on the cache, including their disk I/O.
 */
public final class StreamCache implements Closeable {
  /** Marker file that claims a folder for the streaming cache. */
  public static final String MARKER_FILE_NAME = ".tonearm-stream-cache";

  /** File that keeps the LRU order across restarts. */
  public static final String INDEX_FILE_NAME = "lru.index";

  /** Maximum number of tracks whose digest mismatches are counted for logging. */
  static final int MAX_MISMATCH_TRACKS = 256;

  private static final String TEMP_SUFFIX = ".tmp";
  private static final Logger LOG = LoggerFactory.getLogger(StreamCache.class);

  private final Path directory;
  private final long maxBytes;

  /** Entries from least to most recently used, mapping file name to size in bytes. */
  private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(64, 0.75f, true);

  /** Digest mismatches per track id, from least to most recently failed. */
  private final LinkedHashMap<String, Long> mismatchesByTrack = new LinkedHashMap<>();

  private long sizeBytes;
  private boolean indexDirty;
  private boolean closed;

  private StreamCache(Path directory, long maxBytes) {
    this.directory = directory;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens the cache in {@code directory}, creating the folder and its marker when needed, and
   * loads the entries that a previous run left. Entries over {@code maxBytes} are evicted.
   *
   * @param maxBytes maximum total size of cached chunks in bytes, > 0
   * @throws PlaybackException {@link PlaybackException#ERROR_CACHE_DIRECTORY} when the path is not
   *     a folder, or contains entries but no cache marker
   * @throws IOException when the folder cannot be read or written
   */
  public static StreamCache open(Path directory, long maxBytes) throws IOException {
    Objects.requireNonNull(directory, "directory");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
    }
    Path folder = directory.toAbsolutePath().normalize();
    claim(folder);
    StreamCache cache = new StreamCache(folder, maxBytes);
    synchronized (cache) {
      cache.load();
      cache.evictToFit(0);
      cache.writeIndexIfDirty();
    }
    return cache;
  }

  /**
   * Returns the bytes of {@code key} and marks it most recently used, or returns null when the
   * chunk is not cached or its file no longer matches {@code expectedSha256Hex} (the file is then
   * deleted).
   */
  public synchronized byte[] get(ChunkKey key, String expectedSha256Hex) throws IOException {
    checkOpen();
    String name = key.fileName();
    if (entries.get(name) == null) { // In an access-ordered map, get() marks the entry as used.
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(ownFile(name));
    } catch (NoSuchFileException e) {
      forget(name);
      return null;
    }
    if (!sha256Hex(bytes).equals(expectedSha256Hex)) {
      long count = countMismatch(key);
      if (count == 1) {
        LOG.warn(
            "Cached chunk {} fails its SHA-256 check; deleting it. Further mismatches of track {}"
                + " are logged at DEBUG level",
            key,
            key.trackId());
      } else {
        LOG.debug(
            "Cached chunk {} fails its SHA-256 check; deleting it ({} mismatches of track {})",
            key,
            count,
            key.trackId());
      }
      delete(name);
      return null;
    }
    indexDirty = true;
    return bytes;
  }

  /**
   * Stores {@code bytes} as {@code key} if their SHA-256 equals {@code expectedSha256Hex}, evicting
   * least recently used chunks until it fits.
   *
   * @return whether the chunk was stored, which is false when the digest differs or the chunk alone is
   *     larger than the cache
   */
  public synchronized boolean put(ChunkKey key, byte[] bytes, String expectedSha256Hex)
      throws IOException {
    checkOpen();
    if (!sha256Hex(bytes).equals(expectedSha256Hex)) {
      long count = countMismatch(key);
      if (count == 1) {
        LOG.warn(
            "Not caching chunk {}: its SHA-256 differs from the manifest. Further mismatches of"
                + " track {} are logged at DEBUG level",
            key,
            key.trackId());
      } else {
        LOG.debug(
            "Not caching chunk {}: its SHA-256 differs from the manifest ({} mismatches of track"
                + " {})",
            key,
            count,
            key.trackId());
      }
      return false;
    }
    if (bytes.length > maxBytes) {
      return false;
    }
    String name = key.fileName();
    Long previous = entries.remove(name);
    if (previous != null) {
      sizeBytes -= previous;
    }
    evictToFit(bytes.length);
    Path target = ownFile(name);
    Path temp = ownFile(name + TEMP_SUFFIX);
    Files.write(temp, bytes);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    entries.put(name, (long) bytes.length);
    sizeBytes += bytes.length;
    indexDirty = true;
    writeIndexIfDirty();
    return true;
  }

  /** Returns whether {@code key} is cached, without changing its recency. */
  public synchronized boolean contains(ChunkKey key) {
    return entries.containsKey(key.fileName());
  }

  /** Deletes {@code key} if cached. */
  public synchronized void remove(ChunkKey key) throws IOException {
    checkOpen();
    if (entries.containsKey(key.fileName())) {
      delete(key.fileName());
      writeIndexIfDirty();
    }
  }

  /** Returns the cached keys from least to most recently used. */
  public synchronized List<ChunkKey> keys() {
    List<ChunkKey> keys = new ArrayList<>(entries.size());
    for (String name : entries.keySet()) {
      keys.add(ChunkKey.parseFileName(name));
    }
    return Collections.unmodifiableList(keys);
  }

  /** Total size of cached chunks in bytes. */
  public synchronized long sizeBytes() {
    return sizeBytes;
  }

  /** Maximum total size of cached chunks in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Returns the folder that this cache owns. */
  public Path directory() {
    return directory;
  }

  /** Writes the LRU order to disk if reads changed it since the last write. */
  public synchronized void flush() throws IOException {
    checkOpen();
    writeIndexIfDirty();
  }

  /** Flushes the index and closes the cache. Later calls fail with {@link IllegalStateException}. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    writeIndexIfDirty();
    closed = true;
  }

  @Override
  public synchronized String toString() {
    return "StreamCache{" + directory + ", " + entries.size() + " chunks, " + sizeBytes + "/"
        + maxBytes + " bytes}";
  }

  /**
   * Returns the digest mismatches of {@code trackId} counted since the track was last forgotten,
   * or 0.
   */
  synchronized long digestMismatchCount(String trackId) {
    Long count = mismatchesByTrack.get(trackId);
    return count == null ? 0 : count;
  }

  /** Counts a digest mismatch of {@code key}'s track and returns the track's count. */
  private long countMismatch(ChunkKey key) {
    // Removing and adding again moves the track to the end, the most recently failed place.
    Long previous = mismatchesByTrack.remove(key.trackId());
    long count = previous == null ? 1 : previous + 1;
    mismatchesByTrack.put(key.trackId(), count);
    if (mismatchesByTrack.size() > MAX_MISMATCH_TRACKS) {
      Iterator<String> eldest = mismatchesByTrack.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return count;
  }

  private static void claim(Path folder) throws IOException {
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new PlaybackException(
          PlaybackException.ERROR_CACHE_DIRECTORY,
          "stream cache path is not a folder: " + folder);
    }
    Files.createDirectories(folder);
    Path marker = folder.resolve(MARKER_FILE_NAME);
    if (Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      if (children.iterator().hasNext()) {
        throw new PlaybackException(
            PlaybackException.ERROR_CACHE_DIRECTORY,
            "folder "
                + folder
                + " has files but no "
                + MARKER_FILE_NAME
                + " marker; give the stream cache an empty folder of its own");
      }
    }
    Files.write(marker, new byte[0]);
  }

  private void load() throws IOException {
    List<String> indexed = new ArrayList<>();
    Path index = ownFile(INDEX_FILE_NAME);
    if (Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
      for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
        if (ChunkKey.parseFileName(line.trim()) != null) {
          indexed.add(line.trim());
        }
      }
    }

    Map<String, Long> sizes = new LinkedHashMap<>();
    Map<String, FileTime> modified = new LinkedHashMap<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (name.endsWith(ChunkKey.SUFFIX + TEMP_SUFFIX)
            && ChunkKey.parseFileName(name.substring(0, name.length() - TEMP_SUFFIX.length()))
                != null) {
          Files.deleteIfExists(ownFile(name)); // Left by a write that did not finish.
          continue;
        }
        if (ChunkKey.parseFileName(name) != null) {
          sizes.put(name, Files.size(child));
          modified.put(name, Files.getLastModifiedTime(child, LinkOption.NOFOLLOW_LINKS));
        }
      }
    }

    List<String> unindexed = new ArrayList<>(sizes.keySet());
    unindexed.removeAll(indexed);
    unindexed.sort(
        Comparator.comparing((String name) -> modified.get(name))
            .thenComparing(Comparator.naturalOrder()));
    for (String name : unindexed) {
      addLoaded(name, sizes.get(name));
    }
    for (String name : indexed) {
      if (sizes.containsKey(name) && !entries.containsKey(name)) {
        addLoaded(name, sizes.get(name));
      }
    }
    indexDirty = !unindexed.isEmpty() || indexed.size() != entries.size();
  }

  private void addLoaded(String name, long size) {
    entries.put(name, size);
    sizeBytes += size;
  }

  private void evictToFit(long incomingBytes) throws IOException {
    Iterator<Map.Entry<String, Long>> eldest = entries.entrySet().iterator();
    while (sizeBytes + incomingBytes > maxBytes && eldest.hasNext()) {
      Map.Entry<String, Long> entry = eldest.next();
      Files.deleteIfExists(ownFile(entry.getKey()));
      sizeBytes -= entry.getValue();
      eldest.remove();
      indexDirty = true;
      LOG.debug("Evicted cached chunk {}", ChunkKey.parseFileName(entry.getKey()));
    }
  }

  private void delete(String name) throws IOException {
    Files.deleteIfExists(ownFile(name));
    forget(name);
  }

  private void forget(String name) {
    Long size = entries.remove(name);
    if (size != null) {
      sizeBytes -= size;
      indexDirty = true;
    }
  }

  private void writeIndexIfDirty() throws IOException {
    if (!indexDirty) {
      return;
    }
    Path temp = ownFile(INDEX_FILE_NAME + TEMP_SUFFIX);
    try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      for (String name : entries.keySet()) {
        writer.write(name);
        writer.write('\n');
      }
    }
    Files.move(
        temp,
        ownFile(INDEX_FILE_NAME),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    indexDirty = false;
  }

  /**
   * Resolves a file name that this cache generated inside its folder. Every path the cache
   * touches passes through here, which rejects anything that is not a plain name directly inside
   * the folder.
   */
  private Path ownFile(String name) {
    boolean generated =
        name.equals(INDEX_FILE_NAME)
            || name.equals(INDEX_FILE_NAME + TEMP_SUFFIX)
            || ChunkKey.parseFileName(name) != null
            || (name.endsWith(TEMP_SUFFIX)
                && ChunkKey.parseFileName(name.substring(0, name.length() - TEMP_SUFFIX.length()))
                    != null);
    Path path = directory.resolve(name).normalize();
    if (!generated || !directory.equals(path.getParent())) {
      throw new IllegalStateException("stream cache rejected a path outside its own files: " + name);
    }
    return path;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("stream cache is closed: " + directory);
    }
  }

  static String sha256Hex(byte[] bytes) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this runtime", e);
    }
    byte[] hash = digest.digest(bytes);
    StringBuilder hex = new StringBuilder(64);
    for (byte b : hash) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }
}
