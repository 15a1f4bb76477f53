package dev.tonearm.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layout of the server's data directory. Immutable.
 *
 * <p>Every file and folder that the server creates here is readable by the directory's owner only
 * ({@code rw-------} and {@code rwx------}, see {@link OwnerOnlyFiles}) on POSIX file systems.
 *
 * <pre>
 * DATA/
 *   accounts.json                    accounts with PBKDF2 password hashes
 *   catalog/tracks/TRACK_ID.json     track metadata, renditions, chunk digests, seek index
 *   catalog/playlists/PLAYLIST.json  playlists
 *   objects/TRACK_ID/RENDITION.EXT.enc  AES-256-CTR encrypted rendition files that the edges
 *                                    serve (EXT: ogg or flac)
 *   sources/TRACK_ID/FILE_NAME       the file as delivered to ingest, not encrypted
 *   drm/kms/                         master key, licence signing key and wrapped content keys
 *   drm/devices.json                 registered devices
 *   tmp/                             ingest work space; each ingest deletes its folder, and a
 *                                    start deletes folders left by a process that died
 *   demo-seeded                      marker: the demo catalog was ingested once
 *   lock                             exclusive lock of the process using the directory ({@link
 *                                    DataDirectoryLock}); contains its process id
 * </pre>
 */
public final class DataDirectory {
  /** Name of the lock file in the root. */
  public static final String LOCK_FILE_NAME = "lock";

  /** Number of changed paths that {@link #restrictExistingEntries()} names in its warning. */
  private static final int MAX_LOGGED_PATHS = 20;

  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

  private final Path root;

  /** Wraps {@code root}; call {@link #create()} before use. */
  public DataDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Creates the folders that do not exist yet, {@code rwx------}, and removes group and others
   * access from everything already in the directory (see {@link #restrictExistingEntries()}).
   */
  public DataDirectory create() throws IOException {
    OwnerOnlyFiles.createDirectories(root);
    restrictExistingEntries();
    OwnerOnlyFiles.createDirectories(tracksDir());
    OwnerOnlyFiles.createDirectories(playlistsDir());
    OwnerOnlyFiles.createDirectories(objectsDir());
    OwnerOnlyFiles.createDirectories(sourcesDir());
    OwnerOnlyFiles.createDirectories(tmpDir());
    return this;
  }

  /**
   * Removes group and others permissions from the root and every file and folder below it, and
   * logs one warning that names what changed. Data directories written by server versions that
   * used the process umask contain such entries (typically {@code rw-r--r--} and {@code
   * rwxr-xr-x}). Does nothing on file systems without POSIX permissions.
   *
   * @return the paths whose permissions changed
   * @throws IOException if an entry cannot be changed, for example because another user owns it
   */
  public List<Path> restrictExistingEntries() throws IOException {
    List<Path> changed = OwnerOnlyFiles.removeGroupAndOthersAccess(root);
    if (!changed.isEmpty()) {
      List<Path> named = changed.subList(0, Math.min(changed.size(), MAX_LOGGED_PATHS));
      log.warn(
          "removed group and others access from {} paths in data directory {}, which older"
              + " versions created readable by other users; first {}: {}",
          changed.size(),
          root,
          named.size(),
          named);
    }
    return changed;
  }

  /** The data directory itself. */
  public Path root() {
    return root;
  }

  /** File of the JSON account store. */
  public Path accountsFile() {
    return root.resolve("accounts.json");
  }

  /** Folder of track records. */
  public Path tracksDir() {
    return root.resolve("catalog").resolve("tracks");
  }

  /** Folder of playlist records. */
  public Path playlistsDir() {
    return root.resolve("catalog").resolve("playlists");
  }

  /** Folder of rendition files, one subfolder per track. */
  public Path objectsDir() {
    return root.resolve("objects");
  }

  /** Folder of delivered source files, one subfolder per track. */
  public Path sourcesDir() {
    return root.resolve("sources");
  }

  /** Folder of the file key management service (see {@code FileKeyManagementService}). */
  public Path keysDir() {
    return root.resolve("drm").resolve("kms");
  }

  /** File of the device registry. */
  public Path devicesFile() {
    return root.resolve("drm").resolve("devices.json");
  }

  /** Folder of the offline service: one JSON file per account and the licence expiry secret. */
  public Path offlineDir() {
    return root.resolve("offline");
  }

  /** Ingest work space. */
  public Path tmpDir() {
    return root.resolve("tmp");
  }

  /** File whose operating-system lock marks the directory as in use. */
  public Path lockFile() {
    return root.resolve(LOCK_FILE_NAME);
  }

  /** Marker file written after the demo catalog has been ingested. */
  public Path demoSeededMarker() {
    return root.resolve("demo-seeded");
  }
}
