package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per row of the offline failure-mode table, plus the subscription cancelled during a
 * download. Each drives the SDK through its public API against a loopback object server and the
 * fake licence server.
 */
class FailureModesTest {
  private static final long DAY = LicencePhase.DAY_MS;

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

  private static OfflineException.Reason reasonOf(Throwable error) {
    return ((OfflineException) error).reason();
  }

  private List<String> downloadAll(int count) throws Exception {
    List<String> tracks = rig.addTracks("t-", count, 3 * OfflineRig.CHUNK_BYTES);
    rig.manager.downloads().download(tracks);
    rig.awaitIdle();
    return tracks;
  }

  @Test
  void keyExpiry_offlineThirtyDays_unplayableUntilRefresh() throws Exception {
    OfflineManager manager = rig.open();
    List<String> tracks = downloadAll(3);
    manager.licences().setNetworkAvailable(false);

    rig.clock.setMs(OfflineRig.START_MS + 30 * DAY);
    manager.licences().tick();
    rig.awaitIdle();
    List<String> playableWhileExpired = manager.catalog().availableTrackIds();
    manager.licences().setNetworkAvailable(true);
    rig.clock.advanceMs(3_600_000);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(playableWhileExpired).isEmpty();
    assertThat(rig.licenceEvents.events).contains("wiped:3");
    assertThat(rig.server.refreshCalls()).containsExactly(tracks);
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
    for (String trackId : tracks) {
      assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
    }
  }

  @Test
  void deviceLimit_sixthDevice_rejectedUntilDeauthorisation() throws Exception {
    for (int i = 1; i <= 4; i++) {
      rig.server.registerOtherDevice("d-old-" + i);
    }
    rig.server.useDevice("d-new");
    OfflineManager manager = rig.open();

    assertThatThrownBy(() -> manager.registerDevice("New phone"))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("up to 5 devices")
        .extracting(FailureModesTest::reasonOf)
        .isEqualTo(OfflineException.Reason.DEVICE_LIMIT);
    List<String> devices = new ArrayList<>();
    for (OfflineDevice device : manager.listDevices()) {
      devices.add(device.deviceId());
    }
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES).get(0);
    manager.downloads().download(trackId);
    rig.awaitIdle();
    OfflineException.Reason beforeRegistration =
        manager.downloads().getDownload(trackId).failureReason();

    manager.deauthoriseDevice("d-old-2");
    OfflineDevice added = manager.registerDevice("New phone");
    manager.downloads().download(trackId);
    rig.awaitIdle();

    assertThat(devices).containsExactly("d-this", "d-old-1", "d-old-2", "d-old-3", "d-old-4");
    assertThat(beforeRegistration).isEqualTo(OfflineException.Reason.DEVICE_NOT_REGISTERED);
    assertThat(added.deviceId()).isEqualTo("d-new");
    assertThat(manager.listDevices()).hasSize(5);
    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
  }

  @Test
  void trackLimit_deviceFull_rejectsUntilRemoval() throws Exception {
    rig.server.maxTracks = 3;
    OfflineManager manager = rig.open();
    downloadAll(4);
    Download rejected = manager.downloads().getDownload("t-3");
    List<String> availableAtLimit = manager.catalog().availableTrackIds();

    manager.downloads().remove("t-0");
    manager.downloads().download("t-3");
    rig.awaitIdle();

    assertThat(availableAtLimit).containsExactly("t-0", "t-1", "t-2");
    assertThat(rejected.state()).isEqualTo(DownloadState.FAILED);
    assertThat(rejected.failureReason()).isEqualTo(OfflineException.Reason.TRACK_LIMIT);
    assertThat(rejected.failureMessage()).contains("up to 3 downloads");
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf("t-3"))).hasSize(1);
    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-1", "t-2", "t-3");
    assertThat(rig.server.heldTracks()).containsExactlyInAnyOrder("t-1", "t-2", "t-3");
  }

  @Test
  void trackLimit_overTenThousand_rejectedLocally() throws Exception {
    OfflineManager manager = rig.open();
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i <= DownloadManager.MAX_TRACKS_PER_DEVICE; i++) {
      tooMany.add("t-" + i);
    }

    assertThatThrownBy(() -> manager.downloads().download(tooMany))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("up to 10000 downloads")
        .extracting(FailureModesTest::reasonOf)
        .isEqualTo(OfflineException.Reason.TRACK_LIMIT);
    assertThat(manager.downloads().getDownloads()).isEmpty();
    assertThat(rig.server.authoriseCalls()).isEmpty();
  }

  @Test
  void subscriptionLapsed_locksUntilRefresh() throws Exception {
    OfflineManager manager = rig.open();
    List<String> tracks = downloadAll(3);
    rig.server.premium = false;

    assertThatThrownBy(() -> manager.licences().refreshNow())
        .isInstanceOf(OfflineException.class)
        .extracting(FailureModesTest::reasonOf)
        .isEqualTo(OfflineException.Reason.PREMIUM_REQUIRED);
    rig.awaitIdle();
    List<String> playableWhenLocked = manager.catalog().availableTrackIds();
    rig.restart();
    List<String> playableAfterRestart = rig.manager.catalog().availableTrackIds();
    LicenceStatus lockedStatus = rig.manager.licences().getStatus();
    rig.server.premium = true;
    rig.manager.licences().refreshNow();
    rig.awaitIdle();

    assertThat(playableWhenLocked).isEmpty();
    assertThat(playableAfterRestart).isEmpty();
    assertThat(lockedStatus.isLocked()).isTrue();
    assertThat(lockedStatus.lockReason()).isEqualTo(OfflineException.Reason.PREMIUM_REQUIRED);
    assertThatThrownBy(() -> manager.catalog().openEncryptedObject("t-0"))
        .isInstanceOf(OfflineException.class);
    assertThat(rig.manager.catalog().availableTrackIds()).isEqualTo(tracks);
    assertThat(rig.manager.licences().getStatus().isLocked()).isFalse();
    assertThat(rig.licenceEvents.events).contains("locked:PREMIUM_REQUIRED", "unlocked");
  }

  @Test
  void subscriptionLapsed_backgroundRefresh_locks() throws Exception {
    OfflineManager manager = rig.open();
    downloadAll(2);
    rig.server.premium = false;

    rig.clock.setMs(OfflineRig.START_MS + 24 * DAY);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(manager.catalog().availableTrackIds()).isEmpty();
    assertThatThrownBy(() -> manager.catalog().getKey("t-0"))
        .isInstanceOf(OfflineException.class)
        .extracting(FailureModesTest::reasonOf)
        .isEqualTo(OfflineException.Reason.SUBSCRIPTION_LOCKED);
    // The lock keeps the files and keys: a successful refresh unlocks without downloading.
    assertThat(rig.keyStore.trackIds()).hasSize(2);
  }

  @Test
  void factoryReset_sameDevice_redownloadsWithinLimit() throws Exception {
    rig.server.maxTracks = 3;
    rig.open();
    List<String> tracks = downloadAll(3);
    rig.server.addTrack("t-extra", OfflineRig.CHUNK_BYTES, OfflineRig.CHUNK_BYTES);

    // Factory reset: the app's storage and key store are gone.
    rig.manager.close();
    deleteRecursively(rig.root);
    deleteRecursively(rig.keyDirectory);
    rig.keyStore = new DirectoryKeyStore(rig.keyDirectory);
    OfflineManager reset = rig.open();
    List<String> afterReset = reset.catalog().availableTrackIds();
    reset.downloads().download(tracks);
    reset.downloads().download("t-extra");
    rig.awaitIdle();

    assertThat(afterReset).isEmpty();
    assertThat(reset.catalog().availableTrackIds()).isEqualTo(tracks);
    Download extra = reset.downloads().getDownload("t-extra");
    assertThat(extra.failureReason()).isEqualTo(OfflineException.Reason.TRACK_LIMIT);
    assertThat(rig.server.heldTracks()).containsExactlyInAnyOrderElementsOf(tracks);
  }

  @Test
  void factoryReset_newDeviceId_countsAgainstDeviceLimit() throws Exception {
    rig.open();
    List<String> tracks = downloadAll(2);
    for (int i = 1; i <= 4; i++) {
      rig.server.registerOtherDevice("d-other-" + i);
    }
    rig.manager.close();
    deleteRecursively(rig.root);
    deleteRecursively(rig.keyDirectory);
    rig.keyStore = new DirectoryKeyStore(rig.keyDirectory);
    rig.server.useDevice("d-after-reset");
    OfflineManager reset = rig.open();

    assertThatThrownBy(() -> reset.registerDevice("Phone after reset"))
        .isInstanceOf(OfflineException.class)
        .extracting(FailureModesTest::reasonOf)
        .isEqualTo(OfflineException.Reason.DEVICE_LIMIT);
    reset.deauthoriseDevice("d-this");
    reset.registerDevice("Phone after reset");
    reset.downloads().download(tracks);
    rig.awaitIdle();

    assertThat(reset.catalog().availableTrackIds()).isEqualTo(tracks);
    assertThat(rig.server.heldTracks()).containsExactlyInAnyOrderElementsOf(tracks);
  }

  @Test
  void storageFull_downloadsFail_nothingPartialAvailable() throws Exception {
    List<String> tracks = rig.addTracks("t-", 4, 4 * OfflineRig.CHUNK_BYTES);
    Path firstPart = rig.files().partFile("t-0");
    // Room for one track at first; another app fills the disk once t-0 has two chunks.
    OfflineManager manager =
        rig.open(
            builder ->
                builder.setDiskSpace(
                    folder ->
                        Files.exists(firstPart)
                                && Files.size(firstPart) >= 2L * OfflineRig.CHUNK_BYTES
                            ? OfflineRig.CHUNK_BYTES
                            : 5L * OfflineRig.CHUNK_BYTES));

    manager.downloads().download(tracks);
    rig.awaitIdle();

    for (String trackId : tracks) {
      Download download = manager.downloads().getDownload(trackId);
      assertThat(download.state()).as(trackId).isEqualTo(DownloadState.FAILED);
      assertThat(download.failureReason())
          .as(trackId)
          .isEqualTo(OfflineException.Reason.STORAGE_FULL);
      assertThat(download.failureMessage()).as(trackId).contains("Free up space");
    }
    assertThat(manager.catalog().availableTrackIds()).isEmpty();
    assertThat(rig.objectFolderFiles())
        .allMatch(file -> file.getFileName().toString().endsWith(".manifest"));
    assertThat(rig.keyStore.trackIds()).isEmpty();
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf("t-1"))).isEmpty();
  }

  @Test
  void cancelDuringDownload_keyRejected_fileDeleted() throws Exception {
    String trackId = rig.addTracks("t-", 1, 6 * OfflineRig.CHUNK_BYTES).get(0);
    List<Boolean> premiumAtKeyRequest = new ArrayList<>();
    rig.server.beforeKeyRequest =
        trackIds -> {
          // The user cancels while the file downloads; the key request sees it.
          rig.server.premium = false;
          premiumAtKeyRequest.add(rig.server.premium);
        };
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    assertThat(rig.server.authoriseCalls()).containsExactly(Collections.singletonList(trackId));
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf(trackId))).hasSize(1);
    assertThat(premiumAtKeyRequest).containsExactly(false);
    Download download = manager.downloads().getDownload(trackId);
    assertThat(download.state()).isEqualTo(DownloadState.FAILED);
    assertThat(download.failureReason()).isEqualTo(OfflineException.Reason.PREMIUM_REQUIRED);
    assertThat(Files.exists(rig.files().objectFile(trackId))).isFalse();
    assertThat(Files.exists(rig.files().partFile(trackId))).isFalse();
    assertThat(rig.keyStore.get(trackId)).isNull();
    assertThat(manager.catalog().isAvailable(trackId)).isFalse();
    assertThat(rig.licenceEvents.events).contains("locked:PREMIUM_REQUIRED");
    assertThat(rig.server.heldTracks()).isEmpty();
    List<String> states = new ArrayList<>();
    for (Download change : rig.changes) {
      states.add(change.state().name());
    }
    assertThat(states)
        .containsSubsequence(Arrays.asList("DOWNLOADING", "DOWNLOADED", "FAILED"))
        .doesNotContain("AVAILABLE");
  }

  private static void deleteRecursively(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      walk.forEach(paths::add);
    }
    Collections.reverse(paths);
    for (Path path : paths) {
      Files.delete(path);
    }
  }
}
