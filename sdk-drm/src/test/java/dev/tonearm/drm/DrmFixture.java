package dev.tonearm.drm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.server.drm.FileDeviceRegistry;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.server.drm.LicencePurpose;
import dev.tonearm.server.drm.LicenceRequest;
import dev.tonearm.server.drm.LicenceService;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * Reference server DRM services plus a WireMock stub of their HTTP routes on loopback, and an SDK
 * device (key store, client, manager) per hardware id. WireMock stands in for the server's HTTP
 * layer so that tests can replay and alter responses; the stubbed bodies are what the real
 * services return, serialized with Jackson as {@code DrmRoutes} does. {@code EncryptedPlaybackTest}
 * runs the same flow against the real routes.
 */
final class DrmFixture implements AutoCloseable {
  static final long START_MS = 1_800_000_000_000L;
  static final String ALICE = "u-alice";
  static final String BOB = "u-bob";
  static final String ALICE_TOKEN = "token-alice";
  static final byte[] APP_SIGNATURE = "tonearm-test-app".getBytes(StandardCharsets.UTF_8);
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final MutableClock serverClock = new MutableClock(START_MS);
  final MutableClock deviceClock = new MutableClock(START_MS);
  final FileKeyManagementService kms;
  final FileDeviceRegistry registry;
  final LicenceService licences;
  final WireMockServer wireMock;
  boolean offlineAllowed = true;
  boolean streamingAllowed = true;

  DrmFixture(Path dir) throws Exception {
    this.dir = dir;
    this.kms = FileKeyManagementService.open(dir.resolve("server-keys"));
    this.registry = FileDeviceRegistry.inMemory(serverClock, 5);
    this.licences =
        LicenceService.builder()
            .keyManagementService(kms)
            .deviceRegistry(registry)
            .subscriptionPolicy(
                (account, purpose) ->
                    purpose == LicencePurpose.OFFLINE ? offlineAllowed : streamingAllowed)
            .clock(serverClock)
            .build();
    this.wireMock =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    wireMock.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + wireMock.port();
  }

  LicenceVerifier verifier() {
    return new LicenceVerifier(
        Collections.singletonList(
            SigningKey.fromBase64(kms.signingKey().keyId(), kms.signingKey().publicKey())));
  }

  /** Opens (or creates) the key store of the device with hardware id {@code hardwareId}. */
  DeviceKeyStore openStore(String hardwareId) throws DrmException {
    return DeviceKeyStore.builder(
            new FileKeyStorage(dir.resolve("device-" + hardwareId).resolve("keys.tks")),
            () -> ("machine-id:" + hardwareId).getBytes(StandardCharsets.UTF_8),
            APP_SIGNATURE)
        .clock(deviceClock)
        .open();
  }

  OkHttpLicenceClient client(String token) {
    return OkHttpLicenceClient.builder()
        .baseUrl(baseUrl())
        .accessTokenProvider(() -> token)
        .build();
  }

  LicenceManager manager(DeviceKeyStore store) {
    return LicenceManager.builder(client(ALICE_TOKEN), store, verifier())
        .clock(deviceClock)
        .build();
  }

  /** Registers the store's device with {@code account} directly in the server registry. */
  void registerOnServer(String account, DeviceKeyStore store) throws Exception {
    DeviceIdentity identity = store.deviceIdentity();
    registry.register(
        account,
        new RegisterDeviceRequest(identity.deviceId(), identity.publicKeyBase64(), "test device"));
  }

  /**
   * Issues a real licence for {@code deviceId} and stubs {@code POST /v1/licences} (for Alice's
   * token) to return it.
   */
  dev.tonearm.server.drm.SignedLicence stubLicence(
      String account, String deviceId, List<String> keyIds, String purpose) throws Exception {
    dev.tonearm.server.drm.SignedLicence licence =
        licences.issue(account, new LicenceRequest(deviceId, keyIds, purpose));
    wireMock.stubFor(
        post(urlEqualTo("/v1/licences"))
            .withHeader("Authorization", equalTo("Bearer " + ALICE_TOKEN))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsBytes(licence))));
    return licence;
  }

  static SignedLicence toSdk(dev.tonearm.server.drm.SignedLicence licence) {
    return new SignedLicence(licence.licence(), licence.signature(), licence.signingKeyId());
  }

  @Override
  public void close() {
    wireMock.stop();
  }
}
