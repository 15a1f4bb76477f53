package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.DataDirectory;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.StoredObjects;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.catalog.Loudness;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.SeekPoint;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration of a data directory in the plain layout: a track record without {@code encryption} over
 * a plain object file, as the server wrote them before objects were encrypted.
 */
class PlainObjectMigrationTest {
  private static final String TRACK_ID = "t-c9d9bdd0c399";
  private static final int CHUNK_BYTES = 256 * 1024;

  @TempDir Path tempDir;
  private DataDirectory dataDirectory;
  private FileCatalogRepository catalog;
  private FileKeyManagementService keys;
  private PlainObjectMigration migration;
  private byte[] sourceBytes;

  @BeforeEach
  void writePlainTrack() throws Exception {
    dataDirectory = new DataDirectory(tempDir.resolve("data")).create();
    catalog = new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir());
    keys = FileKeyManagementService.open(dataDirectory.keysDir());
    migration =
        new PlainObjectMigration(catalog, dataDirectory.objectsDir(), keys, new ContentEncryptor());
    Path source = Corpus.require("music/singularity-apex-aleph.ogg");
    sourceBytes = Files.readAllBytes(source);
    Path trackDir = Files.createDirectories(dataDirectory.objectsDir().resolve(TRACK_ID));
    for (String id : List.of("vorbis-112", "vorbis-96")) {
      Files.write(trackDir.resolve(id + ".ogg"), sourceBytes);
    }
    ChunkDigests digests = ChunkDigests.of(source, CHUNK_BYTES);
    catalog.saveTrack(
        new Track(
            TRACK_ID,
            "Apex Aleph",
            "Maxstack",
            "Album",
            "Electronic",
            104_463,
            new Loudness(-17.1, 0.0),
            List.of(plainRendition("vorbis-96", digests), plainRendition("vorbis-112", digests)),
            "ogg-vorbis",
            "singularity-apex-aleph.ogg",
            List.of(),
            1_700_000_000_000L));
  }

  private static Rendition plainRendition(String id, ChunkDigests digests) {
    return new Rendition(
        id,
        "vorbis",
        Integer.parseInt(id.substring("vorbis-".length())),
        "ogg",
        44_100,
        2,
        5_014_240,
        digests.sizeBytes(),
        CHUNK_BYTES,
        digests.chunkSha256(),
        digests.sha256(),
        null,
        false,
        List.of(new SeekPoint(0, 0)));
  }

  @Test
  void plainTrack_encryptedInPlaceWithOneKey() throws Exception {
    int encrypted = migration.run();

    assertThat(encrypted).isEqualTo(2);
    Track track = catalog.track(TRACK_ID).orElseThrow();
    Path trackDir = dataDirectory.objectsDir().resolve(TRACK_ID);
    assertThat(track.renditions()).allSatisfy(r -> assertThat(r.encryption()).isNotNull());
    assertThat(track.renditions().get(0).encryption().keyId())
        .isEqualTo(track.renditions().get(1).encryption().keyId());
    for (Rendition rendition : track.renditions()) {
      Path stored = trackDir.resolve(rendition.fileName());
      assertThat(rendition.fileName()).endsWith(".ogg.enc");
      assertThat(Files.exists(trackDir.resolve(rendition.plainFileName()))).isFalse();
      assertThat(StoredObjects.plaintext(dataDirectory.objectsDir(), keys, track, rendition))
          .isEqualTo(sourceBytes);
      assertThat(Files.readAllBytes(stored)).isNotEqualTo(sourceBytes);
      ChunkDigests digests = ChunkDigests.of(stored, CHUNK_BYTES);
      assertThat(rendition.sha256()).isEqualTo(digests.sha256());
      assertThat(rendition.chunkSha256()).isEqualTo(digests.chunkSha256());
      assertThat(rendition.seekIndex()).containsExactly(new SeekPoint(0, 0));
    }
  }

  @Test
  void serverStart_migratesPlainDataDirectory() throws Exception {
    try (ReferenceServer server =
        TestServers.builder(dataDirectory.root()).seedDemo(false).build().start()) {
      Track track = server.catalog().track(TRACK_ID).orElseThrow();

      assertThat(track.renditions()).allSatisfy(r -> assertThat(r.encryption()).isNotNull());
      for (Rendition rendition : track.renditions()) {
        assertThat(
                StoredObjects.plaintext(
                    dataDirectory.objectsDir(), server.keyManagement(), track, rendition))
            .isEqualTo(sourceBytes);
      }
    }
  }

  @Test
  void secondRun_changesNothing() throws Exception {
    migration.run();
    Track first = catalog.track(TRACK_ID).orElseThrow();

    int encrypted = migration.run();

    assertThat(encrypted).isZero();
    assertThat(catalog.track(TRACK_ID).orElseThrow()).isEqualTo(first);
  }

  @Test
  void plainLeftoverAfterRecordSaved_isDeletedOnNextRun() throws Exception {
    migration.run();
    Path leftover = dataDirectory.objectsDir().resolve(TRACK_ID).resolve("vorbis-96.ogg");
    Files.write(leftover, sourceBytes);

    migration.run();

    assertThat(Files.exists(leftover)).isFalse();
  }

  @Test
  void encryptedLeftoverBeforeRecordSaved_isReplacedOnNextRun() throws Exception {
    // A run that stopped after writing one encrypted file but before saving the record.
    Path partial = dataDirectory.objectsDir().resolve(TRACK_ID).resolve("vorbis-96.ogg.enc");
    Files.write(partial, new byte[] {1, 2, 3});

    migration.run();

    Track track = catalog.track(TRACK_ID).orElseThrow();
    Rendition rendition = track.rendition("vorbis-96").orElseThrow();
    assertThat(StoredObjects.plaintext(dataDirectory.objectsDir(), keys, track, rendition))
        .isEqualTo(sourceBytes);
  }

  @Test
  void missingPlainObject_failsAndKeepsRecord() throws Exception {
    Files.delete(dataDirectory.objectsDir().resolve(TRACK_ID).resolve("vorbis-96.ogg"));

    assertThatThrownBy(migration::run)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("vorbis-96.ogg")
        .hasMessageContaining("re-ingest");
    assertThat(catalog.track(TRACK_ID).orElseThrow().renditions())
        .allSatisfy(r -> assertThat(r.encryption()).isNull());
  }
}
