package dev.tonearm.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Layout of the server's data directory. Immutable.
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

  private final Path root;

  /** Wraps {@code root}; call {@link #create()} before use. */
  public DataDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Creates the folders that do not exist yet. */
  public DataDirectory create() throws IOException {
    Files.createDirectories(root);
    Files.createDirectories(tracksDir());
    Files.createDirectories(playlistsDir());
    Files.createDirectories(objectsDir());
    Files.createDirectories(sourcesDir());
    Files.createDirectories(tmpDir());
    return this;
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
