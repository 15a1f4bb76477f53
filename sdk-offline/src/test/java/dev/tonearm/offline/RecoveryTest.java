package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.offline.internal.DownloadIndex;
import dev.tonearm.offline.internal.Grant;
import dev.tonearm.offline.internal.TrackFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation at open: the states a crash or an outside change can leave, written directly into
 * the index, files and key store, then opened.
 */
class RecoveryTest {
  @TempDir Path directory;
  private OfflineRig rig;
  private TrackFiles files;

  @BeforeEach
  void setUp() throws Exception {
    rig = new OfflineRig(directory);
    files = rig.files();
    files.createDirectories();
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  /** Writes an index with one authorised track in {@code state}, as a crashed run leaves it. */
  private Grant writeIndex(String trackId, DownloadState state, LicenceTerms terms)
      throws Exception {
    Grant grant = Grant.validate(rig.server.grantOf(trackId));
    try (DownloadIndex index =
        DownloadIndex.open(files.indexDirectory(), CheckpointObserver.NONE)) {
      index.request(trackId, OfflineRig.START_MS);
      index.grant(grant);
      if (state != DownloadState.QUEUED) {
        index.setState(trackId, state, null);
      }
      if (terms != null) {
        index.setLicence(terms);
      }
    }
    Files.write(files.manifestFile(trackId), rig.server.grantOf(trackId).manifest());
    // The server counts tracks it authorised.
    rig.server.authorise(Collections.singletonList(trackId));
    return grant;
  }

  private void writeCompleteObject(String trackId) throws Exception {
    Files.write(files.objectFile(trackId), rig.server.contentOf(trackId));
  }

  private LicenceTerms validTerms() {
    return new LicenceTerms(OfflineRig.START_MS, OfflineRig.START_MS + 30 * LicencePhase.DAY_MS);
  }

  @Test
  void open_downloadedWithKey_becomesAvailable() throws Exception {
    String trackId = rig.addTracks("t-", 1, 3 * OfflineRig.CHUNK_BYTES).get(0);
    writeIndex(trackId, DownloadState.DOWNLOADED, validTerms());
    writeCompleteObject(trackId);
    rig.keyStore.put(
        new DeviceKey(trackId, "k-" + trackId, FakeLicenceServer.wrappedKeyOf(trackId)));

    OfflineManager manager = rig.open();
    rig.awaitIdle();

    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.server.keyCalls()).isEmpty();
    assertThat(rig.objects.requests()).isEmpty();
  }

  @Test
  void open_storedKeyAfterExpiry_isDeleted() throws Exception {
    String trackId = rig.addTracks("t-", 1, 3 * OfflineRig.CHUNK_BYTES).get(0);
    writeIndex(trackId, DownloadState.DOWNLOADED, validTerms());
    writeCompleteObject(trackId);
    rig.keyStore.put(
        new DeviceKey(trackId, "k-" + trackId, FakeLicenceServer.wrappedKeyOf(trackId)));
    rig.clock.setMs(OfflineRig.START_MS + 31 * LicencePhase.DAY_MS);
    rig.server.networkDown = true;

    OfflineManager manager = rig.open();
    rig.awaitIdle();

    assertThat(rig.keyStore.get(trackId)).isNull();
    assertThat(manager.downloads().getDownload(trackId).state())
        .isEqualTo(DownloadState.DOWNLOADED);
    assertThat(manager.catalog().isAvailable(trackId)).isFalse();
  }

  @Test
  void open_completeFileWithoutRecord_finishesWithoutDownload() throws Exception {
    String trackId = rig.addTracks("t-", 1, 3 * OfflineRig.CHUNK_BYTES).get(0);
    writeIndex(trackId, DownloadState.QUEUED, null);
    writeCompleteObject(trackId);

    OfflineManager manager = rig.open();
    rig.awaitIdle();

    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.objects.requests()).isEmpty();
    assertThat(rig.server.keyCalls()).containsExactly(Collections.singletonList(trackId));
  }

  @Test
  void open_tornPartialFile_resumesFromVerifiedChunk() throws Exception {
    String trackId = rig.addTracks("t-", 1, 5 * OfflineRig.CHUNK_BYTES).get(0);
    writeIndex(trackId, DownloadState.QUEUED, null);
    byte[] content = rig.server.contentOf(trackId);
    byte[] partial = Arrays.copyOf(content, 3 * OfflineRig.CHUNK_BYTES + 300);
    // The third chunk was torn by the crash: its bytes never reached the disk.
    Arrays.fill(partial, 2 * OfflineRig.CHUNK_BYTES + 10, partial.length, (byte) 0);
    Files.write(files.partFile(trackId), partial);

    OfflineManager manager = rig.open();
    rig.awaitIdle();

    List<ObjectServer.Request> requests =
        rig.objects.requestsFor(FakeLicenceServer.pathOf(trackId));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).range).isEqualTo("bytes=" + 2 * OfflineRig.CHUNK_BYTES + "-");
    assertThat(rig.readThroughCatalog(trackId)).isEqualTo(content);
    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
  }

  @Test
  void open_availableWithDeletedFile_downloadsItAgain() throws Exception {
    String trackId = rig.addTracks("t-", 1, 2 * OfflineRig.CHUNK_BYTES).get(0);
    OfflineManager first = rig.open();
    first.downloads().download(trackId);
    rig.awaitIdle();
    first.close();
    Files.delete(files.objectFile(trackId));

    OfflineManager second = rig.open();
    rig.awaitIdle();

    assertThat(second.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf(trackId))).hasSize(2);
    assertThat(rig.server.authoriseCalls()).hasSize(2);
  }

  @Test
  void open_availableWithLostKey_requestsTheKeyAgain() throws Exception {
    String trackId = rig.addTracks("t-", 1, 2 * OfflineRig.CHUNK_BYTES).get(0);
    OfflineManager first = rig.open();
    first.downloads().download(trackId);
    rig.awaitIdle();
    first.close();
    rig.keyStore.remove(trackId);

    OfflineManager second = rig.open();
    rig.awaitIdle();

    assertThat(second.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.server.keyCalls()).hasSize(2);
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf(trackId))).hasSize(1);
  }

  @Test
  void open_strayFilesAndKeys_areDeleted() throws Exception {
    String trackId = rig.addTracks("t-", 1, 2 * OfflineRig.CHUNK_BYTES).get(0);
    writeIndex(trackId, DownloadState.FAILED, null);
    Files.write(files.partFile(trackId), new byte[100]);
    Path stray = files.objectsDirectory().resolve("0123456789abcdef0123456789abcdef01234567.obj");
    Files.write(stray, new byte[10]);
    Path strayTemporary = files.objectsDirectory().resolve("whatever.manifest.tmp");
    Files.write(strayTemporary, new byte[10]);
    rig.keyStore.put(new DeviceKey("t-orphan", "k-orphan", new byte[] {1, 2, 3}));

    rig.open();
    rig.awaitIdle();

    assertThat(rig.objectFolderFiles()).isEmpty();
    assertThat(rig.keyStore.trackIds()).isEmpty();
  }
}
