package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Loudness;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.decode.ByteArrayByteSource;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.LicenceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input checks, the renewal margin and the reason mapping of {@link DrmContentDecryption}. The
 * licence server is unreachable here on purpose: a transport that fails every call shows which
 * paths make no request. {@code EncryptedPlaybackTest} covers the flow against a real server.
 */
class DrmContentDecryptionTest {
  private static final long NOW_MS = 1_800_000_000_000L;
  private static final String KEY_ID = "k-0123456789abcdef0123456789abcdef";
  private static final String IV = "000102030405060708090a0b0c0d0e0f";

  @TempDir Path dir;
  private DrmFixture fixture;
  private DeviceKeyStore keyStore;
  private RecordingLicenceClient licences;
  private DrmContentDecryption decryption;

  @BeforeEach
  void createStage() throws Exception {
    fixture = new DrmFixture(dir);
    fixture.deviceClock.setMillis(NOW_MS);
    keyStore = fixture.openStore("device-1");
    licences = new RecordingLicenceClient(new UnreachableLicenceClient(), null);
    LicenceManager manager =
        LicenceManager.builder(licences, keyStore, fixture.verifier())
            .clock(fixture.deviceClock)
            .build();
    decryption =
        DrmContentDecryption.builder(manager, keyStore)
            .clock(fixture.deviceClock)
            .renewalMarginMs(60_000)
            .build();
  }

  @AfterEach
  void close() {
    keyStore.close();
    fixture.close();
  }

  private static Manifest manifest(Encryption encryption) {
    Rendition rendition =
        new Rendition(
            "vorbis-96",
            "vorbis",
            96,
            "ogg",
            48_000,
            2,
            480_000,
            4096L,
            1024,
            Collections.nCopies(4, "ab".repeat(32)),
            encryption,
            "/objects/t-1/vorbis-96",
            Collections.emptyList());
    return new Manifest(
        "t-1",
        "Title",
        "Artist",
        "Album",
        "Genre",
        10_000L,
        new Loudness(-14.0, -1.0),
        Collections.singletonList("http://127.0.0.1:1"),
        Collections.singletonList(rendition));
  }

  private ByteSource open(Encryption encryption) throws PlaybackException {
    Manifest manifest = manifest(encryption);
    return decryption.open(
        manifest, manifest.renditions().get(0), new ByteArrayByteSource(new byte[4096]));
  }

  @Test
  void unsupportedScheme_failsWithoutRequest() {
    assertThatThrownBy(() -> open(new Encryption("cbcs", KEY_ID, IV)))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED));
    assertThat(licences.registrations.get() + licences.licenceRequests.get()).isZero();
  }

  @Test
  void missingKeyId_failsManifestInvalid() {
    assertThatThrownBy(() -> open(new Encryption("aes-256-ctr", null, IV)))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_MANIFEST_INVALID));
    assertThat(licences.registrations.get() + licences.licenceRequests.get()).isZero();
  }

  @Test
  void malformedIv_failsManifestInvalidWithoutRequest() {
    for (String iv : new String[] {null, "", "0011", IV + "00", "zz" + IV.substring(2)}) {
      assertThatThrownBy(() -> open(new Encryption("aes-256-ctr", KEY_ID, iv)))
          .as("IV %s", iv)
          .isInstanceOfSatisfying(
              PlaybackException.class,
              e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_MANIFEST_INVALID));
    }
    assertThat(licences.registrations.get() + licences.licenceRequests.get()).isZero();
  }

  @Test
  void plainRendition_returnsSourceUnchanged() throws Exception {
    Manifest manifest = manifest(null);
    ByteSource source = new ByteArrayByteSource(new byte[16]);

    assertThat(decryption.open(manifest, manifest.renditions().get(0), source)).isSameAs(source);
  }

  @Test
  void storedKeyBeyondMargin_decryptsWithoutRequest() throws Exception {
    keyStore.putContentKey(new ContentKey(KEY_ID, new byte[32], NOW_MS + 60_001));

    ByteSource plaintext = open(new Encryption("aes-256-ctr", KEY_ID, IV));

    assertThat(plaintext).isInstanceOf(DecryptingByteSource.class);
    assertThat(plaintext.length()).isEqualTo(4096);
    assertThat(licences.registrations.get() + licences.licenceRequests.get()).isZero();
  }

  @Test
  void storedKeyWithinMargin_isRenewedFirst() throws Exception {
    keyStore.putContentKey(new ContentKey(KEY_ID, new byte[32], NOW_MS + 59_999));

    assertThatThrownBy(() -> open(new Encryption("aes-256-ctr", KEY_ID, IV)))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NETWORK));
    assertThat(licences.registrations.get()).isEqualTo(1);
  }

  @Test
  void concurrentOpens_sameKey_oneLicenceRequest() throws Exception {
    String keyId;
    try (dev.tonearm.server.drm.ContentKey key = fixture.kms.createContentKey()) {
      keyId = key.keyId();
    }
    fixture.registerOnServer(DrmFixture.ALICE, keyStore);
    AtomicInteger requests = new AtomicInteger();
    CountDownLatch firstRequestStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstRequest = new CountDownLatch(1);
    LicenceClient server =
        new UnreachableLicenceClient() {
          @Override
          public RegisteredDevice registerDevice(String deviceId, String publicKey, String name) {
            return new RegisteredDevice(deviceId, name, "", NOW_MS);
          }

          @Override
          public SignedLicence requestLicence(
              String deviceId, List<String> keyIds, LicencePurpose purpose) throws DrmException {
            requests.incrementAndGet();
            firstRequestStarted.countDown();
            try {
              releaseFirstRequest.await();
              return DrmFixture.toSdk(
                  fixture.licences.issue(
                      DrmFixture.ALICE, new LicenceRequest(deviceId, keyIds, purpose.jsonName())));
            } catch (InterruptedException | DrmServiceException e) {
              throw new DrmException(DrmException.ERROR_SERVER, "licence request failed", e);
            }
          }
        };
    DrmContentDecryption stage =
        DrmContentDecryption.builder(
                LicenceManager.builder(server, keyStore, fixture.verifier())
                    .clock(fixture.deviceClock)
                    .build(),
                keyStore)
            .clock(fixture.deviceClock)
            .build();
    Manifest manifest = manifest(new Encryption("aes-256-ctr", keyId, IV));
    List<ByteSource> opened = Collections.synchronizedList(new ArrayList<>());
    Runnable open =
        () -> {
          try {
            opened.add(
                stage.open(
                    manifest, manifest.renditions().get(0), new ByteArrayByteSource(new byte[4096])));
          } catch (PlaybackException e) {
            throw new AssertionError(e);
          }
        };
    Thread first = new Thread(open, "first-open");
    Thread second = new Thread(open, "second-open");

    first.start();
    firstRequestStarted.await();
    second.start();
    // The second open waits for the stage lock that the first one holds (BLOCKED). Without the
    // lock it would send its own request and wait for the latch (WAITING) instead.
    Thread.State secondState;
    try {
      do {
        secondState = second.getState();
        Thread.onSpinWait();
      } while (secondState == Thread.State.NEW || secondState == Thread.State.RUNNABLE);
    } finally {
      releaseFirstRequest.countDown();
      first.join();
      second.join();
    }

    assertThat(secondState).isEqualTo(Thread.State.BLOCKED);

    assertThat(opened).hasSize(2);
    assertThat(requests.get()).isEqualTo(1);
  }

  static Stream<Arguments> reasons() {
    return Stream.of(
        Arguments.of(
            DrmException.ERROR_LICENCE_EXPIRED, PlaybackException.ERROR_DRM_LICENCE_EXPIRED),
        Arguments.of(
            DrmException.ERROR_DEVICE_NOT_REGISTERED, PlaybackException.ERROR_DRM_LICENCE_DENIED),
        Arguments.of(
            DrmException.ERROR_DEVICE_NOT_OWNED, PlaybackException.ERROR_DRM_LICENCE_DENIED),
        Arguments.of(
            DrmException.ERROR_DEVICE_LIMIT_REACHED, PlaybackException.ERROR_DRM_LICENCE_DENIED),
        Arguments.of(
            DrmException.ERROR_SUBSCRIPTION_REQUIRED, PlaybackException.ERROR_DRM_LICENCE_DENIED),
        Arguments.of(DrmException.ERROR_UNKNOWN_KEY, PlaybackException.ERROR_DRM_LICENCE_DENIED),
        Arguments.of(DrmException.ERROR_KEY_NOT_FOUND, PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(
            DrmException.ERROR_LICENCE_SIGNATURE_INVALID,
            PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(
            DrmException.ERROR_LICENCE_UNTRUSTED_SIGNING_KEY,
            PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(
            DrmException.ERROR_LICENCE_DEVICE_MISMATCH,
            PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(
            DrmException.ERROR_LICENCE_MALFORMED, PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(
            DrmException.ERROR_KEY_UNWRAP_FAILED, PlaybackException.ERROR_DRM_LICENCE_INVALID),
        Arguments.of(DrmException.ERROR_KEY_STORE_CORRUPT, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(
            DrmException.ERROR_KEY_STORE_DEVICE_MISMATCH, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(
            DrmException.ERROR_KEY_STORE_APP_MISMATCH, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(
            DrmException.ERROR_KEY_STORE_UNSUPPORTED_VERSION,
            PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(DrmException.ERROR_KEY_STORE_IO, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(DrmException.ERROR_KEY_STORE_FULL, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(
            DrmException.ERROR_HARDWARE_ID_UNAVAILABLE, PlaybackException.ERROR_DRM_KEY_STORE),
        Arguments.of(
            DrmException.ERROR_INVALID_ENCRYPTION, PlaybackException.ERROR_MANIFEST_INVALID),
        Arguments.of(DrmException.ERROR_UNAUTHORIZED, PlaybackException.ERROR_AUTH_FAILED),
        Arguments.of(DrmException.ERROR_MALFORMED_RESPONSE, PlaybackException.ERROR_BAD_RESPONSE),
        Arguments.of(DrmException.ERROR_SERVER, PlaybackException.ERROR_SERVER),
        Arguments.of(DrmException.ERROR_NETWORK, PlaybackException.ERROR_NETWORK));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("reasons")
  void drmReason_mapsToPlaybackReason(int drmReason, String playbackReason) {
    DrmException cause = new DrmException(drmReason, "failure", "SERVER_CODE", null);

    PlaybackException mapped = DrmContentDecryption.toPlaybackException(cause, "track t-1");

    assertThat(mapped.reason()).isEqualTo(playbackReason);
    assertThat(mapped.serverCode()).isEqualTo("SERVER_CODE");
    assertThat(mapped.getCause()).isSameAs(cause);
    assertThat(mapped.getMessage()).contains("track t-1", DrmException.reasonName(drmReason));
  }

  /** A licence server that cannot be reached. */
  private static class UnreachableLicenceClient implements LicenceClient {
    private static DrmException unreachable() {
      return new DrmException(
          DrmException.ERROR_NETWORK, "licence server unreachable in this test");
    }

    @Override
    public RegisteredDevice registerDevice(String deviceId, String publicKeyBase64, String name)
        throws DrmException {
      throw unreachable();
    }

    @Override
    public List<RegisteredDevice> listDevices() throws DrmException {
      throw unreachable();
    }

    @Override
    public void deauthoriseDevice(String deviceId) throws DrmException {
      throw unreachable();
    }

    @Override
    public SignedLicence requestLicence(
        String deviceId, List<String> keyIds, LicencePurpose purpose) throws DrmException {
      throw unreachable();
    }

    @Override
    public List<SigningKey> fetchSigningKeys() throws DrmException {
      throw unreachable();
    }
  }
}
