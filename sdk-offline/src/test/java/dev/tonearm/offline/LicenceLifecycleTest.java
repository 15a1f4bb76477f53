package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The licence lifecycle by day, with a fake clock. */
class LicenceLifecycleTest {
  private static final long DAY = LicencePhase.DAY_MS;

  @TempDir Path directory;
  private OfflineRig rig;
  private LicenceRecorder recorder;
  private List<String> tracks;

  @BeforeEach
  void setUp() throws Exception {
    rig = new OfflineRig(directory);
    recorder = rig.licenceEvents;
  }

  @AfterEach
  void tearDown() throws Exception {
    rig.close();
  }

  /** Downloads three tracks at the start time, so the licence was checked at START_MS. */
  private OfflineManager downloadThreeTracks() throws Exception {
    tracks = rig.addTracks("t-", 3, 2 * OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open();
    manager.downloads().download(tracks);
    rig.awaitIdle();
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
    return manager;
  }

  private void tickAt(OfflineManager manager, long timeMs) throws InterruptedException {
    rig.clock.setMs(timeMs);
    manager.licences().tick();
    rig.awaitIdle();
  }

  @Test
  void licenceDay_everyBoundary_mapsToPhase() {
    long checked = OfflineRig.START_MS;
    long expires = checked + 30 * DAY;
    for (int day = 1; day <= 33; day++) {
      long dayStart = checked + (day - 1) * DAY;
      long dayEnd = checked + day * DAY - 1;
      LicencePhase expected =
          day <= 23
              ? LicencePhase.VALID
              : day <= 27
                  ? LicencePhase.WARNING
                  : day <= 29
                      ? LicencePhase.URGENT
                      : day == 30 ? LicencePhase.GRACE : LicencePhase.EXPIRED;
      assertThat(LicencePhase.licenceDay(expires, dayStart))
          .as("start of day %d", day)
          .isEqualTo(day);
      assertThat(LicencePhase.licenceDay(expires, dayEnd)).as("end of day %d", day).isEqualTo(day);
      assertThat(LicencePhase.forDay(day)).as("phase of day %d", day).isEqualTo(expected);
    }
  }

  @Test
  void licenceDay_positiveJitter_startsAtDayOne() {
    long checked = OfflineRig.START_MS;
    long expires = checked + 33 * DAY;

    assertThat(LicencePhase.licenceDay(expires, checked)).isEqualTo(1);
    assertThat(LicencePhase.licenceDay(expires, expires - 7 * DAY)).isEqualTo(24);
    assertThat(LicencePhase.licenceDay(expires, expires)).isEqualTo(31);
  }

  @Test
  void tick_thirtyOneDaysOffline_walksEveryPhase() throws Exception {
    OfflineManager manager = downloadThreeTracks();
    manager.licences().setNetworkAvailable(false);
    long checked = OfflineRig.START_MS;
    List<String> playableByDay = new ArrayList<>();

    for (int day = 1; day <= 31; day++) {
      tickAt(manager, checked + (day - 1) * DAY);
      tickAt(manager, checked + day * DAY - 1);
      playableByDay.add(day + ":" + manager.catalog().isAvailable("t-0"));
    }

    assertThat(recorder.events)
        .containsExactly(
            "phase:VALID:1",
            "phase:WARNING:24",
            "phase:URGENT:28",
            "reminder:28",
            "reminder:29",
            "phase:GRACE:30",
            "phase:EXPIRED:31",
            "wiped:3");
    assertThat(playableByDay.subList(0, 30)).allMatch(entry -> entry.endsWith(":true"));
    assertThat(playableByDay.get(30)).isEqualTo("31:false");
    assertThat(rig.keyStore.trackIds()).isEmpty();
    for (String trackId : tracks) {
      assertThat(manager.downloads().getDownload(trackId).state())
          .isEqualTo(DownloadState.DOWNLOADED);
      assertThat(Files.exists(rig.files().objectFile(trackId))).isTrue();
    }
    assertThat(rig.server.refreshCalls()).isEmpty();
  }

  @Test
  void catalog_atExpiryInstant_stopsPlayback() throws Exception {
    OfflineManager manager = downloadThreeTracks();
    manager.licences().setNetworkAvailable(false);

    rig.clock.setMs(OfflineRig.START_MS + 30 * DAY - 1);
    boolean lastMillisecond = manager.catalog().isAvailable("t-0");
    rig.clock.setMs(OfflineRig.START_MS + 30 * DAY);

    assertThat(lastMillisecond).isTrue();
    assertThat(manager.catalog().isAvailable("t-0")).isFalse();
    assertThatThrownBy(() -> manager.catalog().openEncryptedObject("t-0"))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.LICENCE_EXPIRED);
    assertThatThrownBy(() -> manager.catalog().getKey("t-0"))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.LICENCE_EXPIRED);
  }

  @Test
  void tick_expiredThenOnline_restoresPlayback() throws Exception {
    OfflineManager manager = downloadThreeTracks();
    manager.licences().setNetworkAvailable(false);
    tickAt(manager, OfflineRig.START_MS + 31 * DAY);
    assertThat(manager.catalog().availableTrackIds()).isEmpty();

    manager.licences().setNetworkAvailable(true);
    tickAt(manager, OfflineRig.START_MS + 31 * DAY + 60_000);

    assertThat(rig.server.refreshCalls()).containsExactly(tracks);
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
    assertThat(rig.keyStore.trackIds()).containsExactlyInAnyOrderElementsOf(tracks);
    LicenceStatus status = manager.licences().getStatus();
    assertThat(status.phase()).isEqualTo(LicencePhase.VALID);
    assertThat(status.terms().checkedAtMs()).isEqualTo(OfflineRig.START_MS + 31 * DAY + 60_000);
    assertThat(recorder.events).endsWith("refreshed:3", "phase:VALID:1");
  }

  @Test
  void tick_online_refreshesFromDay24() throws Exception {
    OfflineManager manager = downloadThreeTracks();

    tickAt(manager, OfflineRig.START_MS + 23 * DAY - 1);
    List<List<String>> beforeDay24 = rig.server.refreshCalls();
    tickAt(manager, OfflineRig.START_MS + 23 * DAY);

    assertThat(beforeDay24).isEmpty();
    assertThat(rig.server.refreshCalls()).containsExactly(tracks);
    assertThat(manager.licences().getStatus().day()).isEqualTo(1);
    assertThat(recorder.events).doesNotContain("phase:WARNING:24");
  }

  @Test
  void tick_refreshFails_backsOffThenRetries() throws Exception {
    OfflineManager manager =
        downloadThreeTracksWith(builder -> builder.setRefreshBackoff(60_000, 6 * 3_600_000L));
    rig.server.networkDown = true;

    tickAt(manager, OfflineRig.START_MS + 24 * DAY);
    tickAt(manager, OfflineRig.START_MS + 24 * DAY + 1);
    long failuresAfterTwoTicks = countEvents("refreshFailed");
    rig.server.networkDown = false;
    tickAt(manager, OfflineRig.START_MS + 24 * DAY + 1);
    List<List<String>> callsDuringBackoff = rig.server.refreshCalls();
    tickAt(manager, OfflineRig.START_MS + 24 * DAY + 60_001);

    assertThat(failuresAfterTwoTicks).isEqualTo(1);
    assertThat(callsDuringBackoff).isEmpty();
    assertThat(rig.server.refreshCalls()).hasSize(1);
    assertThat(manager.licences().getStatus().phase()).isEqualTo(LicencePhase.VALID);
  }

  @Test
  void refresh_keyStoreFails_keepsLicence() throws Exception {
    OfflineManager manager =
        downloadThreeTracksWith(builder -> builder.setRefreshBackoff(60_000, 6 * 3_600_000L));
    rig.keyStore.failPuts(new java.io.IOException("simulated full disk"));
    long refreshAtMs = OfflineRig.START_MS + 24 * DAY;
    rig.clock.setMs(refreshAtMs);

    assertThatThrownBy(() -> manager.licences().refreshNow())
        .isInstanceOfSatisfying(
            OfflineException.class,
            e -> assertThat(e.reason()).isEqualTo(OfflineException.Reason.IO_ERROR))
        .hasMessageContaining("simulated full disk");
    LicenceStatus afterFailure = manager.licences().getStatus();
    tickAt(manager, refreshAtMs + 1);
    int callsDuringBackoff = rig.server.refreshCalls().size();
    rig.keyStore.failPuts(null);
    tickAt(manager, refreshAtMs + 60_001);

    assertThat(afterFailure.terms().checkedAtMs()).isEqualTo(OfflineRig.START_MS);
    assertThat(afterFailure.phase()).isEqualTo(LicencePhase.WARNING);
    assertThat(countEvents("refreshFailed")).isEqualTo(1);
    assertThat(callsDuringBackoff).isEqualTo(1);
    assertThat(rig.server.refreshCalls()).hasSize(2);
    LicenceStatus renewed = manager.licences().getStatus();
    assertThat(renewed.phase()).isEqualTo(LicencePhase.VALID);
    assertThat(renewed.terms().checkedAtMs()).isEqualTo(refreshAtMs + 60_001);
    assertThat(manager.catalog().availableTrackIds()).isEqualTo(tracks);
    assertThat(recorder.events).contains("refreshed:3");
  }

  @Test
  void refreshAndWipe_useOneBatchEach() throws Exception {
    BatchRecordingKeyStore recording = new BatchRecordingKeyStore(rig.keyStore);
    OfflineManager manager = downloadThreeTracksWith(builder -> builder.setKeyStore(recording));
    recording.calls.clear();

    tickAt(manager, OfflineRig.START_MS + 24 * DAY);
    List<String> refreshCalls = new ArrayList<>(recording.calls);
    recording.calls.clear();
    manager.licences().setNetworkAvailable(false);
    tickAt(manager, OfflineRig.START_MS + 24 * DAY + 31 * DAY);

    assertThat(refreshCalls).containsExactly("putAll:3");
    assertThat(recording.calls).containsExactly("removeAll:3");
    assertThat(rig.keyStore.trackIds()).isEmpty();
    assertThat(recorder.events).contains("wiped:3");
  }

  @Test
  void tick_negativeJitter_movesEveryPhaseEarlier() throws Exception {
    rig.server.jitterMs = -3 * DAY;
    OfflineManager manager = downloadThreeTracks();
    manager.licences().setNetworkAvailable(false);
    long expires = OfflineRig.START_MS + 27 * DAY;

    tickAt(manager, expires - 7 * DAY - 1);
    LicencePhase beforeWarning = manager.licences().getStatus().phase();
    tickAt(manager, expires - 7 * DAY);
    LicencePhase warning = manager.licences().getStatus().phase();
    tickAt(manager, expires - 1);
    LicencePhase grace = manager.licences().getStatus().phase();
    tickAt(manager, expires);

    assertThat(beforeWarning).isEqualTo(LicencePhase.VALID);
    assertThat(warning).isEqualTo(LicencePhase.WARNING);
    assertThat(grace).isEqualTo(LicencePhase.GRACE);
    assertThat(manager.licences().getStatus().phase()).isEqualTo(LicencePhase.EXPIRED);
    assertThat(manager.catalog().availableTrackIds()).isEmpty();
  }

  @Test
  void open_expiredWhileClosed_wipesKeys() throws Exception {
    downloadThreeTracks();
    rig.manager.close();
    rig.clock.setMs(OfflineRig.START_MS + 40 * DAY);
    rig.server.networkDown = true;

    OfflineManager reopened = rig.open();
    rig.awaitIdle();

    assertThat(reopened.licences().getStatus().phase()).isEqualTo(LicencePhase.EXPIRED);
    assertThat(reopened.catalog().availableTrackIds()).isEmpty();
    assertThat(rig.keyStore.trackIds()).isEmpty();
  }

  private long countEvents(String name) {
    return recorder.events.stream().filter(name::equals).count();
  }

  private OfflineManager downloadThreeTracksWith(
      java.util.function.Consumer<OfflineManager.Builder> customise) throws Exception {
    tracks = rig.addTracks("t-", 3, 2 * OfflineRig.CHUNK_BYTES);
    OfflineManager manager = rig.open(customise);
    manager.downloads().download(tracks);
    rig.awaitIdle();
    return manager;
  }

  /** Forwards to a key store and records each call with the number of keys it carries. */
  private static final class BatchRecordingKeyStore implements OfflineKeyStore {
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final OfflineKeyStore delegate;

    BatchRecordingKeyStore(OfflineKeyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void put(DeviceKey key) throws java.io.IOException {
      calls.add("put:1");
      delegate.put(key);
    }

    @Override
    public void putAll(java.util.Collection<DeviceKey> keys) throws java.io.IOException {
      calls.add("putAll:" + keys.size());
      delegate.putAll(keys);
    }

    @Override
    public DeviceKey get(String trackId) throws java.io.IOException {
      return delegate.get(trackId);
    }

    @Override
    public void remove(String trackId) throws java.io.IOException {
      calls.add("remove:1");
      delegate.remove(trackId);
    }

    @Override
    public void removeAll(java.util.Collection<String> trackIds) throws java.io.IOException {
      calls.add("removeAll:" + trackIds.size());
      delegate.removeAll(trackIds);
    }

    @Override
    public java.util.Set<String> trackIds() throws java.io.IOException {
      return delegate.trackIds();
    }
  }
}
