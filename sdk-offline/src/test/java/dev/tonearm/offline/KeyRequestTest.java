package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key requests after downloads: batching, retries, per-track rejections, and deauthorisation. */
class KeyRequestTest {
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

  /** Fails the first key request, so both tracks wait as DOWNLOADED for one batched retry. */
  private OfflineManager downloadTwoWithFirstKeyRequestFailing(
      FakeLicenceServer.KeyRequestHook afterFirst) throws Exception {
    rig.addTracks("t-", 2, 2 * OfflineRig.CHUNK_BYTES);
    AtomicInteger calls = new AtomicInteger();
    rig.server.beforeKeyRequest =
        trackIds -> {
          if (calls.incrementAndGet() == 1) {
            throw new IOException("connection reset (simulated)");
          }
          afterFirst.beforeKeys(trackIds);
        };
    OfflineManager manager =
        rig.open(builder -> builder.setMaxAttempts(1).setRefreshBackoff(60_000, 60_000));
    manager.downloads().download(Arrays.asList("t-0", "t-1"));
    rig.awaitIdle();
    return manager;
  }

  @Test
  void keys_afterNetworkFailure_batchedLater() throws Exception {
    OfflineManager manager = downloadTwoWithFirstKeyRequestFailing(trackIds -> {});
    List<Download> waiting = manager.downloads().getDownloads();

    rig.clock.advanceMs(60_000);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(waiting).allMatch(download -> download.state() == DownloadState.DOWNLOADED);
    assertThat(rig.server.keyCalls()).last().isEqualTo(Arrays.asList("t-0", "t-1"));
    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-0", "t-1");
  }

  @Test
  void keys_oneTrackUnauthorised_onlyItIsDeleted() throws Exception {
    OfflineManager manager =
        downloadTwoWithFirstKeyRequestFailing(
            trackIds -> {
              if (trackIds.size() == 2) {
                // The track was released on the server meanwhile, from another session.
                rig.server.release(Collections.singletonList("t-1"));
              }
            });

    rig.clock.advanceMs(60_000);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-0");
    Download rejected = manager.downloads().getDownload("t-1");
    assertThat(rejected.state()).isEqualTo(DownloadState.FAILED);
    assertThat(rejected.failureReason()).isEqualTo(OfflineException.Reason.TRACK_NOT_AUTHORISED);
    assertThat(Files.exists(rig.files().objectFile("t-1"))).isFalse();
    assertThat(manager.licences().getStatus().isLocked()).isFalse();
  }

  @Test
  void keys_serverCannotIssueNow_keepsFilesAndRetriesLater() throws Exception {
    rig.addTracks("t-", 1, 2 * OfflineRig.CHUNK_BYTES);
    AtomicInteger calls = new AtomicInteger();
    rig.server.beforeKeyRequest =
        trackIds -> {
          if (calls.incrementAndGet() == 1) {
            throw new OfflineException(
                OfflineException.Reason.KEY_UNAVAILABLE, "Keys could not be issued right now.");
          }
        };
    OfflineManager manager =
        rig.open(builder -> builder.setMaxAttempts(1).setRefreshBackoff(60_000, 60_000));
    manager.downloads().download("t-0");
    rig.awaitIdle();
    Download waiting = manager.downloads().getDownload("t-0");
    boolean fileKept = Files.exists(rig.files().objectFile("t-0"));

    rig.clock.advanceMs(60_000);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(waiting.state()).isEqualTo(DownloadState.DOWNLOADED);
    assertThat(fileKept).isTrue();
    assertThat(manager.catalog().isAvailable("t-0")).isTrue();
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void refresh_deviceDeauthorised_deletesEverything() throws Exception {
    List<String> tracks = rig.addTracks("t-", 3, 2 * OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();
    manager.downloads().download(tracks);
    rig.awaitIdle();
    rig.server.registerOtherDevice("d-laptop");
    // The user removes this phone from the laptop's device list.
    rig.server.useDevice("d-laptop");
    rig.server.deauthoriseDevice("d-this");
    rig.server.useDevice("d-this");

    rig.clock.advanceMs(24 * LicencePhase.DAY_MS);
    manager.licences().tick();
    rig.awaitIdle();

    assertThat(rig.licenceEvents.events).contains("deauthorised");
    assertThat(manager.downloads().getDownloads()).isEmpty();
    assertThat(manager.catalog().availableTrackIds()).isEmpty();
    assertThat(rig.keyStore.trackIds()).isEmpty();
    assertThat(rig.objectFolderFiles()).isEmpty();
    assertThat(rig.removals).containsExactlyInAnyOrderElementsOf(tracks);
  }

  @Test
  void refresh_droppedTracks_areDeleted() throws Exception {
    List<String> tracks = rig.addTracks("t-", 3, 2 * OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();
    manager.downloads().download(tracks);
    rig.awaitIdle();
    rig.server.release(Collections.singletonList("t-2"));

    manager.licences().refreshNow();
    rig.awaitIdle();

    assertThat(manager.catalog().availableTrackIds()).containsExactly("t-0", "t-1");
    assertThat(manager.downloads().getDownload("t-2")).isNull();
    assertThat(Files.exists(rig.files().objectFile("t-2"))).isFalse();
  }

  @Test
  void catalog_missingTrack_failsNotDownloaded() throws Exception {
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES).get(0);
    OfflineManager manager = rig.open();

    for (ThrowingCall call :
        new ThrowingCall[] {
          () -> manager.catalog().getTrack(trackId),
          () -> manager.catalog().openEncryptedObject(trackId),
          () -> manager.catalog().getKey(trackId),
          () -> manager.catalog().getManifest("t-unknown")
        }) {
      try {
        call.run();
        throw new AssertionError("expected NOT_DOWNLOADED");
      } catch (OfflineException e) {
        assertThat(e.reason()).isEqualTo(OfflineException.Reason.NOT_DOWNLOADED);
        assertThat(e.getMessage()).contains("is not downloaded");
      }
    }
    assertThat(manager.catalog().isAvailable(trackId)).isFalse();
  }

  private interface ThrowingCall {
    void run() throws IOException;
  }
}
