package dev.tonearm.server.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineServiceTest {
  private static final String ACCOUNT = "u-premium";
  private static final String PHONE = "d-phone";

  private final OfflineFixture fixture = new OfflineFixture();

  private static void assertReason(ThrowingCallable call, OfflineReason reason) {
    assertThatThrownBy(call)
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void registerDevice_freeAccount_failsPremiumRequired() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.FREE);
    OfflineService service = fixture.service();

    assertReason(
        () -> service.registerDevice(ACCOUNT, PHONE, "Phone"), OfflineReason.PREMIUM_REQUIRED);
    assertThat(service.listDevices(ACCOUNT)).isEmpty();
  }

  @Test
  void registerDevice_unknownAccount_failsAccountNotFound() {
    OfflineService service = fixture.service();

    assertReason(
        () -> service.registerDevice("u-nobody", PHONE, null), OfflineReason.ACCOUNT_NOT_FOUND);
  }

  @Test
  void registerDevice_deviceWithoutKeyPair_failsDeviceUnknown() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    OfflineService service = fixture.service();

    assertReason(
        () -> service.registerDevice(ACCOUNT, "d-stranger", null), OfflineReason.DEVICE_UNKNOWN);
  }

  @Test
  void registerDevice_sixthDevice_failsUntilDeauthorisation() {
    fixture.premiumAccount(ACCOUNT, "d-1", "d-2", "d-3", "d-4", "d-5", "d-6");
    OfflineService service = fixture.service();
    for (int i = 1; i <= 5; i++) {
      service.registerDevice(ACCOUNT, "d-" + i, "Device " + i);
    }

    assertThatThrownBy(() -> service.registerDevice(ACCOUNT, "d-6", "New phone"))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("up to 5 devices")
        .hasMessageContaining("Remove one")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineReason.DEVICE_LIMIT);
    assertThat(service.listDevices(ACCOUNT)).hasSize(5);

    assertThat(service.deauthoriseDevice(ACCOUNT, "d-2")).isTrue();
    OfflineDevice added = service.registerDevice(ACCOUNT, "d-6", "New phone");

    assertThat(added.deviceId()).isEqualTo("d-6");
    assertThat(service.listDevices(ACCOUNT))
        .extracting(OfflineDevice::deviceId)
        .containsExactly("d-1", "d-3", "d-4", "d-5", "d-6");
  }

  @Test
  void registerDevice_sameDeviceTwice_usesOneSlotAndRenames() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    OfflineService service = fixture.service();

    service.registerDevice(ACCOUNT, PHONE, "Phone");
    OfflineDevice again = service.registerDevice(ACCOUNT, PHONE, "Work phone");

    assertThat(again.displayName()).isEqualTo("Work phone");
    assertThat(service.listDevices(ACCOUNT)).hasSize(1);
  }

  @Test
  void registerDevice_concurrent_neverExceedsLimit() throws Exception {
    String[] devices = new String[12];
    for (int i = 0; i < devices.length; i++) {
      devices[i] = "d-c" + i;
    }
    fixture.premiumAccount(ACCOUNT, devices);
    OfflineService service = fixture.service();
    ExecutorService pool = Executors.newFixedThreadPool(devices.length);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    try {
      for (String deviceId : devices) {
        Callable<Boolean> register =
            () -> {
              start.await();
              try {
                service.registerDevice(ACCOUNT, deviceId, null);
                return true;
              } catch (OfflineException e) {
                assertThat(e.reason()).isEqualTo(OfflineReason.DEVICE_LIMIT);
                return false;
              }
            };
        results.add(pool.submit(register));
      }
      start.countDown();
      int registered = 0;
      for (Future<Boolean> result : results) {
        if (result.get(30, TimeUnit.SECONDS)) {
          registered++;
        }
      }
      assertThat(registered).isEqualTo(5);
      assertThat(service.listDevices(ACCOUNT)).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void authoriseDownloads_unregisteredDevice_failsDeviceNotRegistered() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(2);
    OfflineService service = fixture.service();

    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, tracks),
        OfflineReason.DEVICE_NOT_REGISTERED);
  }

  @Test
  void authoriseDownloads_freeAccount_failsPremiumRequired() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(2);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.FREE);

    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, tracks), OfflineReason.PREMIUM_REQUIRED);
  }

  @Test
  void authoriseDownloads_granted_returnsNoKeys() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(3);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);

    DownloadAuthorisation authorisation = service.authoriseDownloads(ACCOUNT, PHONE, tracks);

    assertThat(authorisation.objects()).extracting(OfflineObject::trackId).isEqualTo(tracks);
    OfflineObject first = authorisation.objects().get(0);
    assertThat(first.urls()).hasSize(2);
    assertThat(first.urls().get(0)).startsWith("http://127.0.0.1:41001/objects/t-0/");
    assertThat(first.chunkSha256()).hasSize(3);
    assertThat(authorisation.heldTracks()).isEqualTo(3);
    assertThat(authorisation.maxTracks()).isEqualTo(10_000);
    assertThat(fixture.keyIssuer.calls.get()).isZero();
  }

  @Test
  void authoriseDownloads_overTrackLimit_reservesNothing() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(10_001);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(0, 9_990));

    assertThatThrownBy(
            () -> service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(9_990, 10_001)))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("up to 10000 downloads")
        .hasMessageContaining("holds 9990")
        .hasMessageContaining("adds 11")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineReason.TRACK_LIMIT);
    assertThat(service.listDevices(ACCOUNT).get(0).heldTracks()).isEqualTo(9_990);

    DownloadAuthorisation upToLimit =
        service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(9_990, 10_000));
    assertThat(upToLimit.heldTracks()).isEqualTo(10_000);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, List.of("t-10000")),
        OfflineReason.TRACK_LIMIT);

    assertThat(service.releaseTracks(ACCOUNT, PHONE, List.of("t-0"))).isEqualTo(9_999);
    assertThat(service.authoriseDownloads(ACCOUNT, PHONE, List.of("t-10000")).heldTracks())
        .isEqualTo(10_000);
  }

  @Test
  void authoriseDownloads_tracksAlreadyHeld_doNotCountTwice() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(4);
    OfflineService service =
        fixture.service(
            new InMemoryOfflineStore(), OfflineLimits.builder().maxTracksPerDevice(4).build());
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);

    DownloadAuthorisation again = service.authoriseDownloads(ACCOUNT, PHONE, tracks);

    assertThat(again.heldTracks()).isEqualTo(4);
  }

  @Test
  void authoriseDownloads_unknownTrack_reservesNothing() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = new ArrayList<>(fixture.tracks(2));
    tracks.add("t-missing");
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);

    assertThatThrownBy(() -> service.authoriseDownloads(ACCOUNT, PHONE, tracks))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("t-missing")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineReason.TRACK_NOT_FOUND);
    assertThat(service.listDevices(ACCOUNT).get(0).heldTracks()).isZero();
  }

  @Test
  void issueKeys_subscriptionCancelled_failsAndReleases() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(3);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);

    // The subscription ends while the device downloads the files.
    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.FREE);

    assertReason(
        () -> service.issueKeys(ACCOUNT, PHONE, tracks.subList(0, 2)),
        OfflineReason.PREMIUM_REQUIRED);
    assertThat(fixture.keyIssuer.calls.get()).isZero();
    assertThat(service.listDevices(ACCOUNT).get(0).heldTracks()).isEqualTo(1);
  }

  @Test
  void issueKeys_trackNotAuthorised_failsTrackNotAuthorised() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(2);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(0, 1));

    assertReason(
        () -> service.issueKeys(ACCOUNT, PHONE, tracks), OfflineReason.TRACK_NOT_AUTHORISED);
    assertThat(fixture.keyIssuer.calls.get()).isZero();
  }

  @Test
  void issueKeys_authorisedTracks_unwrapOnDevice() throws Exception {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(2);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);

    KeyDelivery delivery = service.issueKeys(ACCOUNT, PHONE, tracks);

    assertThat(delivery.keys()).extracting(WrappedKey::trackId).isEqualTo(tracks);
    for (WrappedKey key : delivery.keys()) {
      byte[] unwrapped = fixture.keyIssuer.unwrap(PHONE, key.wrappedKey());
      assertThat(unwrapped).isEqualTo(fixture.keyIssuer.contentKey(key.trackId()));
    }
  }

  @Test
  void issueKeys_expiry_isThirtyDaysPlusJitter() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(1);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    Duration jitter = service.expiryPolicy().jitterFor(PHONE);

    KeyDelivery first = service.issueKeys(ACCOUNT, PHONE, tracks);
    fixture.clock.advance(Duration.ofDays(10));
    KeyDelivery second = service.issueKeys(ACCOUNT, PHONE, tracks);

    assertThat(first.checkedAt()).isEqualTo(OfflineFixture.START);
    assertThat(first.expiresAt())
        .isEqualTo(OfflineFixture.START.plus(Duration.ofDays(30)).plus(jitter));
    assertThat(Duration.between(second.checkedAt(), second.expiresAt()))
        .isEqualTo(Duration.ofDays(30).plus(jitter));
    assertThat(jitter.abs()).isLessThanOrEqualTo(Duration.ofDays(3));
  }

  @Test
  void issueKeys_issuerFails_failsKeyUnavailable() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(1);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    fixture.keyIssuer.failing = true;

    assertReason(() -> service.issueKeys(ACCOUNT, PHONE, tracks), OfflineReason.KEY_UNAVAILABLE);
    assertThat(service.listDevices(ACCOUNT).get(0).lastOnlineCheck()).isNull();
  }

  @Test
  void refreshLicences_tenThousandTracks_oneBatch() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(10_000);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    fixture.clock.advance(Duration.ofDays(25));

    KeyDelivery delivery = service.refreshLicences(ACCOUNT, PHONE, tracks);

    assertThat(delivery.keys()).hasSize(10_000);
    assertThat(fixture.keyIssuer.batchSizes).containsExactly(10_000);
    assertThat(delivery.droppedTrackIds()).isEmpty();
    assertThat(delivery.checkedAt()).isEqualTo(fixture.clock.instant());
    assertThat(service.listDevices(ACCOUNT).get(0).lastOnlineCheck())
        .isEqualTo(fixture.clock.instant());
  }

  @Test
  void refreshLicences_afterExpiry_renewsKeys() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(3);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    KeyDelivery first = service.issueKeys(ACCOUNT, PHONE, tracks);

    // The device stays offline until well past its expiry, then comes online.
    fixture.clock.set(first.expiresAt().plus(Duration.ofDays(5)));
    KeyDelivery refreshed = service.refreshLicences(ACCOUNT, PHONE, tracks);

    assertThat(refreshed.keys()).extracting(WrappedKey::trackId).isEqualTo(tracks);
    assertThat(refreshed.expiresAt()).isAfter(fixture.clock.instant().plus(Duration.ofDays(26)));
  }

  @Test
  void refreshLicences_lapsed_failsUntilResubscribed() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(3);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    service.issueKeys(ACCOUNT, PHONE, tracks);

    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.FREE);
    assertReason(
        () -> service.refreshLicences(ACCOUNT, PHONE, tracks), OfflineReason.PREMIUM_REQUIRED);

    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.PREMIUM);
    KeyDelivery delivery = service.refreshLicences(ACCOUNT, PHONE, tracks);
    assertThat(delivery.keys()).hasSize(3);
  }

  @Test
  void refreshLicences_deauthorisedDevice_failsDeviceNotRegistered() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(2);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    service.deauthoriseDevice(ACCOUNT, PHONE);

    assertReason(
        () -> service.refreshLicences(ACCOUNT, PHONE, tracks), OfflineReason.DEVICE_NOT_REGISTERED);
  }

  @Test
  void refreshLicences_wipedDevice_releasesTracks() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(5);
    OfflineService service =
        fixture.service(
            new InMemoryOfflineStore(), OfflineLimits.builder().maxTracksPerDevice(4).build());
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(0, 4));

    // After a factory reset the app starts with empty storage and reports no tracks.
    KeyDelivery afterReset = service.refreshLicences(ACCOUNT, PHONE, List.of());

    assertThat(afterReset.keys()).isEmpty();
    assertThat(service.listDevices(ACCOUNT).get(0).heldTracks()).isZero();
    assertThat(service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(1, 5)).heldTracks())
        .isEqualTo(4);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(0, 1)),
        OfflineReason.TRACK_LIMIT);
  }

  @Test
  void refreshLicences_tracksNotHeldOnServer_areDropped() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(3);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks.subList(0, 2));

    KeyDelivery delivery = service.refreshLicences(ACCOUNT, PHONE, tracks);

    assertThat(delivery.keys()).extracting(WrappedKey::trackId).containsExactly("t-0", "t-1");
    assertThat(delivery.droppedTrackIds()).containsExactly("t-2");
  }

  @Test
  void requests_invalidArguments_failBadRequest() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);

    assertReason(() -> service.authoriseDownloads(ACCOUNT, PHONE, null), OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, List.of()), OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, List.of("../etc/passwd")),
        OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, List.of("t-" + "x".repeat(200))),
        OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, PHONE, Collections.singletonList(null)),
        OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.authoriseDownloads(ACCOUNT, "", List.of("t-0")), OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.registerDevice(ACCOUNT, PHONE, "bad\nname"), OfflineReason.BAD_REQUEST);
    assertReason(
        () -> service.registerDevice(ACCOUNT, PHONE, "n".repeat(65)), OfflineReason.BAD_REQUEST);
  }

  @Test
  void requests_moreIdsThanTrackLimit_failPayloadTooLarge() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(10_001);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);

    assertReason(
        () -> service.refreshLicences(ACCOUNT, PHONE, tracks), OfflineReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  void service_restarted_keepsDevicesAndTracks(@TempDir Path dataDir) throws Exception {
    fixture.premiumAccount(ACCOUNT, PHONE, "d-tablet");
    List<String> tracks = fixture.tracks(3);
    OfflineService first = fixture.service(new FileOfflineStore(dataDir), OfflineLimits.defaults());
    first.registerDevice(ACCOUNT, PHONE, "Phone");
    first.registerDevice(ACCOUNT, "d-tablet", "Tablet");
    first.authoriseDownloads(ACCOUNT, PHONE, tracks);
    KeyDelivery delivery = first.issueKeys(ACCOUNT, PHONE, tracks);

    OfflineService second =
        fixture.service(new FileOfflineStore(dataDir), OfflineLimits.defaults());
    List<OfflineDevice> devices = second.listDevices(ACCOUNT);

    assertThat(devices).extracting(OfflineDevice::deviceId).containsExactly(PHONE, "d-tablet");
    OfflineDevice phone = devices.get(0);
    assertThat(phone.heldTracks()).isEqualTo(3);
    assertThat(phone.lastOnlineCheck()).isEqualTo(OfflineFixture.START);
    assertThat(phone.licenceExpiresAt()).isEqualTo(delivery.expiresAt());
    assertThat(devices.get(1).lastOnlineCheck()).isNull();
    assertThat(second.issueKeys(ACCOUNT, PHONE, tracks).keys()).hasSize(3);
  }

  @Test
  void listDevices_checkedDevice_reportsExpiry() {
    fixture.premiumAccount(ACCOUNT, PHONE);
    List<String> tracks = fixture.tracks(1);
    OfflineService service = fixture.service();
    service.registerDevice(ACCOUNT, PHONE, null);
    service.authoriseDownloads(ACCOUNT, PHONE, tracks);
    fixture.clock.advance(Duration.ofHours(5));
    KeyDelivery delivery = service.issueKeys(ACCOUNT, PHONE, tracks);

    OfflineDevice device = service.listDevices(ACCOUNT).get(0);

    assertThat(device.registeredAt()).isEqualTo(OfflineFixture.START);
    assertThat(device.lastOnlineCheck()).isEqualTo(OfflineFixture.START.plusSeconds(5 * 3600));
    assertThat(device.licenceExpiresAt()).isEqualTo(delivery.expiresAt());
    assertThat(device.licenceExpiresAt()).isAfter(Instant.EPOCH);
  }
}
