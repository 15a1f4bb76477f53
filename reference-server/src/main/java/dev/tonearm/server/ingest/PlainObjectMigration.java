package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.EncryptedObject;
import dev.tonearm.server.drm.KeyManagementService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts the plain rendition objects of a data directory that was written before ingest encrypted
 * objects, and removes the plain files that an interrupted run left behind.
 *
 * <p>For each track with a plain rendition: take the track's content key (the key of an already
 * encrypted rendition of the track, or a new one), encrypt each plain object {@code ID.EXT} into
 * {@code ID.EXT.enc} with a new random IV, save the track record with the ciphertext digests, and
 * only then delete the plain files. The record names either the plain files or the encrypted ones,
 * and both exist until the record is saved, so a crash at any step leaves a servable track. The
 * next run finishes the work: it encrypts again where the record is still plain, and deletes plain
 * files that an encrypted record no longer names. A run interrupted before the record was saved
 * leaves an unused wrapped key in the key management service.
 *
 * <p>Runs while nothing serves the directory (at server start). Not thread-safe.
 */
public final class PlainObjectMigration {
  private static final Logger log = LoggerFactory.getLogger(PlainObjectMigration.class);

  private final CatalogRepository catalog;
  private final Path objectsDir;
  private final KeyManagementService keys;
  private final ContentEncryptor encryptor;

  public PlainObjectMigration(
      CatalogRepository catalog,
      Path objectsDir,
      KeyManagementService keys,
      ContentEncryptor encryptor) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.objectsDir = Objects.requireNonNull(objectsDir, "objectsDir");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
  }

  /**
   * Migrates every track of the catalog.
   *
   * @return the number of rendition objects encrypted
   * @throws IOException if an object cannot be read or written, or a key cannot be created; the
   *     tracks migrated before the failure stay migrated
   */
  public int run() throws IOException {
    int encrypted = 0;
    for (Track track : catalog.tracks()) {
      encrypted += migrate(track);
      deleteLeftoverPlainFiles(catalog.track(track.id()).orElse(track));
    }
    if (encrypted > 0) {
      log.info("encrypted {} plain rendition objects", encrypted);
    }
    return encrypted;
  }

  private int migrate(Track track) throws IOException {
    List<Rendition> plain = new ArrayList<>();
    for (Rendition rendition : track.renditions()) {
      if (rendition.encryption() == null) {
        plain.add(rendition);
      }
    }
    if (plain.isEmpty()) {
      return 0;
    }
    Path trackDir = objectsDir.resolve(track.id());
    List<Rendition> migrated = new ArrayList<>();
    try (ContentKey key = contentKeyOf(track)) {
      for (Rendition rendition : track.renditions()) {
        if (rendition.encryption() != null) {
          migrated.add(rendition);
          continue;
        }
        Path source = trackDir.resolve(rendition.plainFileName());
        if (!Files.isRegularFile(source)) {
          throw new IOException(
              "object " + source + " of track " + track.id() + " is missing; re-ingest the track");
        }
        Path target = trackDir.resolve(rendition.plainFileName() + Rendition.ENCRYPTED_SUFFIX);
        EncryptedObject object = encryptor.encrypt(source, target, key, rendition.chunkSizeBytes());
        migrated.add(
            rendition.withEncryptedObject(
                object.encryption(), object.sizeBytes(), object.sha256(), object.chunkSha256()));
      }
    }
    catalog.saveTrack(
        new Track(
            track.id(),
            track.title(),
            track.artist(),
            track.album(),
            track.genre(),
            track.durationMs(),
            track.loudness(),
            migrated,
            track.sourceFormat(),
            track.sourceFileName(),
            track.warnings(),
            track.addedAtEpochMs()));
    log.info("encrypted {} rendition objects of track {}", plain.size(), track.id());
    return plain.size();
  }

  /** Returns the key of an encrypted rendition of {@code track}, or a new key. */
  private ContentKey contentKeyOf(Track track) throws IOException {
    try {
      for (Rendition rendition : track.renditions()) {
        if (rendition.encryption() != null) {
          return keys.contentKey(rendition.encryption().keyId());
        }
      }
      return keys.createContentKey();
    } catch (DrmServiceException e) {
      throw new IOException("cannot get the content key of track " + track.id() + ": " + e, e);
    }
  }

  private void deleteLeftoverPlainFiles(Track track) throws IOException {
    for (Rendition rendition : track.renditions()) {
      if (rendition.encryption() == null) {
        continue;
      }
      Path plainFile = objectsDir.resolve(track.id()).resolve(rendition.plainFileName());
      if (Files.deleteIfExists(plainFile)) {
        log.info("deleted plain object {} of encrypted track {}", plainFile, track.id());
      }
    }
  }
}
