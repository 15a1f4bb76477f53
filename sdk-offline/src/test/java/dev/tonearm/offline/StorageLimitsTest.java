package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's storage quota and the free-space checks. */
class StorageLimitsTest {
  private static final long MB = 1024 * 1024;

  @TempDir Path directory;
  private OfflineRig rig;

  @BeforeEach
  void setUp() throws Exception {
    rig = new OfflineRig(directory);
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  @Test
  void setStorageQuota_outsideRange_isRejected() throws Exception {
    OfflineManager manager = rig.open();
    DownloadManager downloads = manager.downloads();

    assertThatThrownBy(() -> downloads.setStorageQuotaBytes(50 * MB - 1))
        .isInstanceOf(OfflineException.class)
        .hasMessage("Storage quota must be between 50 MB and 10 GB: 50 MB (52428799 bytes)")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INVALID_QUOTA);
    assertThatThrownBy(() -> downloads.setStorageQuotaBytes(10L * 1024 * MB + 1))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("10 GB");
    assertThatThrownBy(() -> downloads.setStorageQuotaBytes(-1))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("-1 B");
    assertThat(downloads.getStorageQuotaBytes()).isEqualTo(StorageQuota.DEFAULT_BYTES);
  }

  @Test
  void setStorageQuota_bounds_acceptedAndPersisted() throws Exception {
    OfflineManager manager = rig.open();

    manager.downloads().setStorageQuotaBytes(StorageQuota.MIN_BYTES);
    manager.downloads().setStorageQuotaBytes(StorageQuota.MAX_BYTES);
    rig.restart();

    assertThat(rig.manager.downloads().getStorageQuotaBytes()).isEqualTo(StorageQuota.MAX_BYTES);
  }

  @Test
  void builder_defaultQuotaOutsideRange_isRejected() {
    assertThatThrownBy(() -> OfflineManager.builder(directory).setDefaultStorageQuotaBytes(MB))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INVALID_QUOTA);
  }

  @Test
  void download_overQuota_rejectedBeforeWriting() throws Exception {
    // Three tracks of 20 MB in a 50 MB quota: the third does not fit.
    List<String> tracks = rig.addTracks("t-", 3, 20 * (int) MB);
    OfflineManager manager = rig.open();
    manager.downloads().setStorageQuotaBytes(50 * MB);

    manager.downloads().download(tracks);
    rig.awaitIdle();

    Download rejected = manager.downloads().getDownload("t-2");
    assertThat(rejected.state()).isEqualTo(DownloadState.FAILED);
    assertThat(rejected.failureReason()).isEqualTo(OfflineException.Reason.QUOTA_EXCEEDED);
    assertThat(rejected.failureMessage())
        .isEqualTo(
            "Track t-2 needs 20 MB, but only 10 MB of the 50 MB download storage limit is left."
                + " Raise the limit or remove downloads.");
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf("t-2"))).isEmpty();
    assertThat(Files.exists(rig.files().partFile("t-2"))).isFalse();
    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-0", "t-1");
    assertThat(manager.downloads().getUsedBytes()).isEqualTo(40 * MB);
    assertThat(rig.server.heldTracks()).containsExactly("t-0", "t-1");
  }

  @Test
  void download_diskFull_rejectedBeforeWriting() throws Exception {
    List<String> tracks = rig.addTracks("t-", 2, 4 * OfflineRig.CHUNK_BYTES);
    rig.usableBytes.set(6 * OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();

    manager.downloads().download(tracks);
    rig.awaitIdle();

    assertThat(manager.downloads().getDownload("t-0").state()).isEqualTo(DownloadState.AVAILABLE);
    Download rejected = manager.downloads().getDownload("t-1");
    assertThat(rejected.failureReason()).isEqualTo(OfflineException.Reason.STORAGE_FULL);
    assertThat(rejected.failureMessage()).contains("needs 64 KB").contains("only 32 KB free");
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf("t-1"))).isEmpty();
    assertThat(manager.catalog().isAvailable("t-1")).isFalse();
  }

  @Test
  void download_diskFillsMidway_failsAndDeletesPart() throws Exception {
    String trackId = rig.addTracks("t-", 1, 8 * OfflineRig.CHUNK_BYTES).get(0);
    Path part = rig.files().partFile(trackId);
    // Another app fills the disk once two chunks of the download are written.
    OfflineManager manager =
        rig.open(
            builder ->
                builder.setDiskSpace(
                    folder ->
                        Files.exists(part) && Files.size(part) >= 2L * OfflineRig.CHUNK_BYTES
                            ? OfflineRig.CHUNK_BYTES
                            : Long.MAX_VALUE / 4));

    manager.downloads().download(trackId);
    rig.awaitIdle();

    Download failed = manager.downloads().getDownload(trackId);
    assertThat(failed.state()).isEqualTo(DownloadState.FAILED);
    assertThat(failed.failureReason()).isEqualTo(OfflineException.Reason.STORAGE_FULL);
    assertThat(Files.exists(rig.files().partFile(trackId))).isFalse();
    assertThat(Files.exists(rig.files().objectFile(trackId))).isFalse();
    assertThat(manager.catalog().isAvailable(trackId)).isFalse();
    assertThat(rig.keyStore.get(trackId)).isNull();
  }

  @Test
  void download_afterRemovingTracks_fitsTheQuotaAgain() throws Exception {
    List<String> tracks = rig.addTracks("t-", 3, 20 * (int) MB);
    OfflineManager manager = rig.open();
    manager.downloads().setStorageQuotaBytes(50 * MB);
    manager.downloads().download(tracks);
    rig.awaitIdle();

    manager.downloads().remove("t-0");
    manager.downloads().download("t-2");
    rig.awaitIdle();

    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-1", "t-2");
  }

  @Test
  void formatBytes_usesBinaryUnits() {
    assertThat(StorageQuota.formatBytes(0)).isEqualTo("0 B");
    assertThat(StorageQuota.formatBytes(1023)).isEqualTo("1023 B");
    assertThat(StorageQuota.formatBytes(1536)).isEqualTo("1.5 KB");
    assertThat(StorageQuota.formatBytes(50 * MB)).isEqualTo("50 MB");
    assertThat(StorageQuota.formatBytes(10L * 1024 * MB)).isEqualTo("10 GB");
  }
}
