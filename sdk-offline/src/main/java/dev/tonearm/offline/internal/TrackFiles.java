package dev.tonearm.offline.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Layout of the offline folder. The index lives in {@code index/}; each track's files live in
 * {@code objects/} under a name derived from SHA-256 of the track id, so any id is a safe file name
 * and ids that differ only in case do not collide on case-insensitive storage:
 *
 * <pre>
 * objects/NAME.part      partial download, verified chunks only
 * objects/NAME.obj       complete, verified, encrypted object
 * objects/NAME.manifest  track manifest kept for offline playback (optional)
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TrackFiles {
  public static final String PART_SUFFIX = ".part";
  public static final String OBJECT_SUFFIX = ".obj";
  public static final String MANIFEST_SUFFIX = ".manifest";
  private static final int NAME_HEX_CHARS = 40;

  private final Path root;
  private final Path indexDirectory;
  private final Path objectsDirectory;

  public TrackFiles(Path root) {
    this.root = root;
    this.indexDirectory = root.resolve("index");
    this.objectsDirectory = root.resolve("objects");
  }

  /** Creates the folders if they do not exist. */
  public void createDirectories() throws IOException {
    Files.createDirectories(indexDirectory);
    Files.createDirectories(objectsDirectory);
  }

  public Path root() {
    return root;
  }

  public Path indexDirectory() {
    return indexDirectory;
  }

  public Path objectsDirectory() {
    return objectsDirectory;
  }

  /** Returns the file-name stem of a track: 40 hex digits of SHA-256 of its id. */
  public static String stem(String trackId) {
    byte[] digest = Hex.sha256().digest(trackId.getBytes(StandardCharsets.UTF_8));
    return Hex.encode(digest).substring(0, NAME_HEX_CHARS);
  }

  public Path partFile(String trackId) {
    return objectsDirectory.resolve(stem(trackId) + PART_SUFFIX);
  }

  public Path objectFile(String trackId) {
    return objectsDirectory.resolve(stem(trackId) + OBJECT_SUFFIX);
  }

  public Path manifestFile(String trackId) {
    return objectsDirectory.resolve(stem(trackId) + MANIFEST_SUFFIX);
  }

  /** Returns the track's files that exist, for deletion. */
  public List<Path> existingFiles(String trackId) {
    List<Path> existing = new ArrayList<>(3);
    for (Path file : new Path[] {partFile(trackId), objectFile(trackId), manifestFile(trackId)}) {
      if (Files.exists(file)) {
        existing.add(file);
      }
    }
    return existing;
  }

  /** Lists every file in the objects folder. */
  public List<Path> listObjectFolder() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(objectsDirectory)) {
      for (Path file : stream) {
        files.add(file);
      }
    }
    return files;
  }
}
