package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadManagerTest {
  @TempDir java.nio.file.Path directory;
  private OfflineRig rig;

  @BeforeEach
  void setUp() throws Exception {
    rig = new OfflineRig(directory);
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  private static List<String> states(List<Download> downloads, String trackId) {
    List<String> states = new ArrayList<>();
    for (Download download : downloads) {
      if (download.trackId().equals(trackId)) {
        states.add(download.state().name());
      }
    }
    return states;
  }

  @Test
  void download_batch_allAvailableWithFileAndKey() throws Exception {
    List<String> tracks = rig.addTracks("t-", 5, 100_000);
    OfflineManager manager = rig.open();

    manager.downloads().download(tracks);
    rig.awaitIdle();

    for (String trackId : tracks) {
      assertThat(manager.downloads().getDownload(trackId).state())
          .isEqualTo(DownloadState.AVAILABLE);
      assertThat(manager.catalog().isAvailable(trackId)).isTrue();
      assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
      assertThat(manager.catalog().getKey(trackId).wrappedKey())
          .isEqualTo(FakeLicenceServer.wrappedKeyOf(trackId));
      assertThat(manager.catalog().getTrack(trackId).chunkSha256())
          .isEqualTo(rig.server.grantOf(trackId).chunkSha256());
      assertThat(new String(manager.catalog().getManifest(trackId), StandardCharsets.UTF_8))
          .contains(trackId);
    }
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
    assertThat(rig.server.authoriseCalls()).containsExactly(tracks);
    assertThat(states(rig.changes, "t-0"))
        .containsExactly("REQUESTED", "QUEUED", "DOWNLOADING", "DOWNLOADED", "AVAILABLE");
    assertThat(manager.downloads().getUsedBytes()).isEqualTo(500_000);
  }

  @Test
  void download_progressEvents_growPerChunk() throws Exception {
    List<String> tracks = rig.addTracks("t-", 1, 5 * OfflineRig.CHUNK_BYTES + 100);
    OfflineManager manager = rig.open();

    manager.downloads().download(tracks);
    rig.awaitIdle();

    List<Long> bytes = new ArrayList<>();
    for (Download download : rig.progress) {
      bytes.add(download.downloadedBytes());
    }
    assertThat(bytes).isSorted();
    assertThat(bytes)
        .contains(
            (long) OfflineRig.CHUNK_BYTES,
            5L * OfflineRig.CHUNK_BYTES,
            5L * OfflineRig.CHUNK_BYTES + 100);
    assertThat(rig.progress.get(rig.progress.size() - 1).totalBytes())
        .isEqualTo(5L * OfflineRig.CHUNK_BYTES + 100);
  }

  @Test
  void download_manyTracks_neverRunsMoreThanMaxParallel() throws Exception {
    List<String> tracks = rig.addTracks("t-", 5, 3 * OfflineRig.CHUNK_BYTES);
    CountDownLatch gate = new CountDownLatch(1);
    for (String trackId : tracks) {
      rig.objects.addFault(
          FakeLicenceServer.pathOf(trackId), ObjectServer.Fault.holdAfter(0, gate));
    }
    OfflineManager manager = rig.open(builder -> builder.setMaxParallelDownloads(2));

    manager.downloads().download(tracks);
    assertThat(rig.objects.awaitRequests(2, OfflineRig.TIMEOUT_MS)).isTrue();
    int downloading = 0;
    int queued = 0;
    for (Download download : manager.downloads().getDownloads()) {
      if (download.state() == DownloadState.DOWNLOADING) {
        downloading++;
      } else if (download.state() == DownloadState.QUEUED) {
        queued++;
      }
    }
    gate.countDown();
    rig.awaitIdle();

    assertThat(downloading).isEqualTo(2);
    assertThat(queued).isEqualTo(3);
    assertThat(rig.objects.maxInFlight()).isLessThanOrEqualTo(2);
    assertThat(manager.catalog().availableTrackIds()).hasSize(5);
  }

  @Test
  void download_connectionCut_resumesByRange() throws Exception {
    String trackId = rig.addTracks("t-", 1, 8 * OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    rig.objects.addFault(path, ObjectServer.Fault.cutAfter(3 * OfflineRig.CHUNK_BYTES + 500));
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    List<ObjectServer.Request> requests = rig.objects.requestsFor(path);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).range).isNull();
    assertThat(requests.get(1).range).isEqualTo("bytes=" + 3 * OfflineRig.CHUNK_BYTES + "-");
    assertThat(requests.get(1).authorization).isEqualTo("Bearer test-token");
    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
    assertThat(rig.sleeper.delaysMs()).hasSize(1);
  }

  @Test
  void download_corruptChunk_isRetriedAndNeverWritten() throws Exception {
    String trackId = rig.addTracks("t-", 1, 4 * OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    rig.objects.addFault(path, ObjectServer.Fault.corruptByte(2 * OfflineRig.CHUNK_BYTES + 7));
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    List<ObjectServer.Request> requests = rig.objects.requestsFor(path);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).range).isEqualTo("bytes=" + 2 * OfflineRig.CHUNK_BYTES + "-");
    assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
  }

  @Test
  void download_alwaysCorrupt_failsChecksumMismatch() throws Exception {
    String trackId = rig.addTracks("t-", 1, 2 * OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    for (int i = 0; i < 4; i++) {
      rig.objects.addFault(path, ObjectServer.Fault.corruptByte(5));
    }
    OfflineManager manager = rig.open(builder -> builder.setMaxAttempts(4));

    manager.downloads().download(trackId);
    rig.awaitIdle();

    Download download = manager.downloads().getDownload(trackId);
    assertThat(download.state()).isEqualTo(DownloadState.FAILED);
    assertThat(download.failureReason()).isEqualTo(OfflineException.Reason.CHECKSUM_MISMATCH);
    assertThat(rig.objects.requestsFor(path)).hasSize(4);
    assertThat(rig.objectFolderFiles())
        .noneMatch(file -> file.getFileName().toString().endsWith(".obj"));
    assertThat(manager.catalog().isAvailable(trackId)).isFalse();
  }

  @Test
  void download_serverErrors_retryWithBackoffThenFail() throws Exception {
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    for (int i = 0; i < 5; i++) {
      rig.objects.addFault(path, ObjectServer.Fault.status(503));
    }
    OfflineManager manager =
        rig.open(builder -> builder.setMaxAttempts(5).setBackoff(1_000, 5_000));

    manager.downloads().download(trackId);
    rig.awaitIdle();

    Download download = manager.downloads().getDownload(trackId);
    assertThat(download.state()).isEqualTo(DownloadState.FAILED);
    assertThat(download.failureReason()).isEqualTo(OfflineException.Reason.NETWORK_ERROR);
    assertThat(download.failureMessage()).contains("HTTP 503").contains("5 attempts");
    List<Long> delays = rig.sleeper.delaysMs();
    long[] ceilings = {1_000, 2_000, 4_000, 5_000};
    assertThat(delays).hasSize(4);
    for (int i = 0; i < delays.size(); i++) {
      assertThat(delays.get(i)).isBetween(0L, ceilings[i] - 1);
    }
    assertThat(rig.objects.requestsFor(path)).hasSize(5);
  }

  @Test
  void download_serviceUnavailableOnce_succeedsOnRetry() throws Exception {
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES * 2).get(0);
    rig.objects.addFault(FakeLicenceServer.pathOf(trackId), ObjectServer.Fault.status(503));
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.sleeper.delaysMs()).hasSize(1);
  }

  @Test
  void download_notFound_failsHttpErrorWithoutRetry() throws Exception {
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES).get(0);
    rig.objects.addFault(FakeLicenceServer.pathOf(trackId), ObjectServer.Fault.status(404));
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    Download download = manager.downloads().getDownload(trackId);
    assertThat(download.failureReason()).isEqualTo(OfflineException.Reason.HTTP_ERROR);
    assertThat(rig.sleeper.delaysMs()).isEmpty();
    assertThat(rig.server.releaseCalls()).containsExactly(Collections.singletonList(trackId));
  }

  @Test
  void download_firstEdgeDown_usesSecondEdge() throws Exception {
    String trackId = rig.addTracks("t-", 1, OfflineRig.CHUNK_BYTES * 2).get(0);
    GrantedObject original = rig.server.grantOf(trackId);
    java.net.ServerSocket closed = new java.net.ServerSocket(0);
    int deadPort = closed.getLocalPort();
    closed.close();
    rig.server.replaceGrant(
        GrantedObject.builder(trackId)
            .renditionId(original.renditionId())
            .keyId(original.keyId())
            .urls(
                Arrays.asList(
                    "http://127.0.0.1:" + deadPort + FakeLicenceServer.pathOf(trackId),
                    original.urls().get(0)))
            .sizeBytes(original.sizeBytes())
            .chunkSizeBytes(original.chunkSizeBytes())
            .chunkSha256(original.chunkSha256())
            .build());
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    assertThat(manager.catalog().isAvailable(trackId)).isTrue();
    assertThat(rig.objects.requestsFor(FakeLicenceServer.pathOf(trackId))).hasSize(1);
    assertThat(rig.sleeper.delaysMs()).hasSize(1);
  }

  @Test
  void download_rangeIgnored_skipsToResumeOffset() throws Exception {
    String trackId = rig.addTracks("t-", 1, 6 * OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    rig.objects.addFault(path, ObjectServer.Fault.cutAfter(2 * OfflineRig.CHUNK_BYTES + 10));
    rig.objects.addFault(path, ObjectServer.Fault.ignoreRange());
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    assertThat(rig.objects.requestsFor(path).get(1).range)
        .isEqualTo("bytes=" + 2 * OfflineRig.CHUNK_BYTES + "-");
    assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
  }

  @Test
  void pauseResume_runningDownload_resumesByRange() throws Exception {
    String trackId = rig.addTracks("t-", 1, 10 * OfflineRig.CHUNK_BYTES).get(0);
    String path = FakeLicenceServer.pathOf(trackId);
    CountDownLatch gate = new CountDownLatch(1);
    rig.objects.addFault(path, ObjectServer.Fault.holdAfter(4 * OfflineRig.CHUNK_BYTES, gate));
    OfflineManager manager = rig.open();
    CountDownLatch fourChunks = new CountDownLatch(1);
    manager
        .downloads()
        .addListener(
            new DownloadListener() {
              @Override
              public void onDownloadProgress(Download download) {
                if (download.downloadedBytes() >= 4L * OfflineRig.CHUNK_BYTES) {
                  fourChunks.countDown();
                }
              }
            });

    manager.downloads().download(trackId);
    assertThat(fourChunks.await(OfflineRig.TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    manager.downloads().pause(trackId);
    rig.awaitIdle();
    Download paused = manager.downloads().getDownload(trackId);
    gate.countDown();

    manager.downloads().resume(trackId);
    rig.awaitIdle();

    assertThat(paused.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(paused.downloadedBytes()).isEqualTo(4L * OfflineRig.CHUNK_BYTES);
    List<ObjectServer.Request> requests = rig.objects.requestsFor(path);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).range).isEqualTo("bytes=" + 4 * OfflineRig.CHUNK_BYTES + "-");
    assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
  }

  @Test
  void pause_queuedTrack_doesNotStartUntilResumed() throws Exception {
    List<String> tracks = rig.addTracks("t-", 2, 2 * OfflineRig.CHUNK_BYTES);
    CountDownLatch gate = new CountDownLatch(1);
    rig.objects.addFault(FakeLicenceServer.pathOf("t-0"), ObjectServer.Fault.holdAfter(0, gate));
    OfflineManager manager = rig.open(builder -> builder.setMaxParallelDownloads(1));
    manager.downloads().download(tracks);
    assertThat(rig.objects.awaitRequests(1, OfflineRig.TIMEOUT_MS)).isTrue();

    manager.downloads().pause("t-1");
    gate.countDown();
    rig.awaitIdle();
    Download paused = manager.downloads().getDownload("t-1");
    int requestsWhilePaused = rig.objects.requestsFor(FakeLicenceServer.pathOf("t-1")).size();
    manager.downloads().resume("t-1");
    rig.awaitIdle();

    assertThat(paused.state()).isEqualTo(DownloadState.PAUSED);
    assertThat(requestsWhilePaused).isZero();
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
  }

  @Test
  void remove_availableTrack_deletesAndReleases() throws Exception {
    List<String> tracks = rig.addTracks("t-", 2, OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();
    manager.downloads().download(tracks);
    rig.awaitIdle();

    manager.downloads().remove("t-0");
    rig.awaitIdle();

    assertThat(manager.downloads().getDownload("t-0")).isNull();
    assertThat(manager.catalog().isAvailable("t-0")).isFalse();
    assertThat(rig.keyStore.get("t-0")).isNull();
    assertThat(Files.exists(rig.files().objectFile("t-0"))).isFalse();
    assertThat(Files.exists(rig.files().manifestFile("t-0"))).isFalse();
    assertThat(rig.server.releaseCalls()).containsExactly(Collections.singletonList("t-0"));
    assertThat(rig.server.heldTracks()).containsExactly("t-1");
    assertThat(rig.removals).containsExactly("t-0");
    assertThat(manager.catalog().isAvailable("t-1")).isTrue();
  }

  @Test
  void remove_whileOffline_releasesAtLaterTick() throws Exception {
    List<String> tracks = rig.addTracks("t-", 2, OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();
    manager.downloads().download(tracks);
    rig.awaitIdle();
    rig.server.networkDown = true;

    manager.downloads().remove("t-0");
    rig.awaitIdle();
    rig.restart();
    rig.awaitIdle();
    List<List<String>> releasesWhileOffline = rig.server.releaseCalls();
    rig.server.networkDown = false;
    rig.clock.advanceMs(7 * 60 * 60 * 1000L);
    rig.manager.licences().tick();
    rig.awaitIdle();

    assertThat(releasesWhileOffline).isEmpty();
    assertThat(rig.server.releaseCalls()).containsExactly(Collections.singletonList("t-0"));
    assertThat(rig.server.heldTracks()).containsExactly("t-1");
  }

  @Test
  void download_invalidTrackId_throwsInvalidArgument() throws Exception {
    OfflineManager manager = rig.open();

    assertThatThrownBy(() -> manager.downloads().download("../../etc/passwd"))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("invalid character")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INVALID_ARGUMENT);
    assertThatThrownBy(() -> manager.downloads().download("")).isInstanceOf(OfflineException.class);
    assertThatThrownBy(() -> manager.downloads().download(Collections.singletonList(null)))
        .isInstanceOf(OfflineException.class);
  }

  @Test
  void download_malformedGrant_failsInvalidGrant() throws Exception {
    String trackId = rig.addTracks("t-", 1, 3 * OfflineRig.CHUNK_BYTES).get(0);
    GrantedObject original = rig.server.grantOf(trackId);
    rig.server.replaceGrant(
        GrantedObject.builder(trackId)
            .renditionId(original.renditionId())
            .keyId(original.keyId())
            .urls(original.urls())
            .sizeBytes(original.sizeBytes())
            .chunkSizeBytes(original.chunkSizeBytes())
            .chunkSha256(original.chunkSha256().subList(0, 2))
            .build());
    OfflineManager manager = rig.open();

    manager.downloads().download(trackId);
    rig.awaitIdle();

    Download download = manager.downloads().getDownload(trackId);
    assertThat(download.failureReason()).isEqualTo(OfflineException.Reason.INVALID_GRANT);
    assertThat(download.failureMessage()).contains("chunkSha256 must have 3 entries: 2");
    assertThat(rig.objects.requests()).isEmpty();
  }

  @Test
  void restart_midQueue_resumesRemainingDownloads() throws Exception {
    List<String> tracks = rig.addTracks("t-", 3, 4 * OfflineRig.CHUNK_BYTES);
    CountDownLatch gate = new CountDownLatch(1);
    rig.objects.addFault(
        FakeLicenceServer.pathOf("t-0"),
        ObjectServer.Fault.holdAfter(OfflineRig.CHUNK_BYTES, gate));
    OfflineManager first = rig.open(builder -> builder.setMaxParallelDownloads(1));
    first.downloads().download(tracks);
    assertThat(rig.objects.awaitRequests(1, OfflineRig.TIMEOUT_MS)).isTrue();

    first.close();
    gate.countDown();
    OfflineManager second = rig.open();
    rig.awaitIdle();

    assertThat(second.catalog().availableTrackIds()).isEqualTo(tracks);
    for (String trackId : tracks) {
      assertThat(rig.readThroughCatalog(trackId)).isEqualTo(rig.server.contentOf(trackId));
    }
    assertThat(rig.server.authoriseCalls()).hasSize(1);
  }
}
