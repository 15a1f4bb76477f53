package dev.tonearm.drm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.drm.Device;
import dev.tonearm.server.drm.DeviceList;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.LicenceRequest;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SDK licence client and manager against WireMock stubs of the real DRM services' JSON. */
class LicenceFlowTest {
  @TempDir Path dir;

  private DrmFixture fixture;
  private DeviceKeyStore storeA;
  private String keyOne;
  private String keyTwo;
  private byte[] keyOneBytes;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new DrmFixture(dir);
    storeA = fixture.openStore("device-a");
    try (dev.tonearm.server.drm.ContentKey one = fixture.kms.createContentKey();
        dev.tonearm.server.drm.ContentKey two = fixture.kms.createContentKey()) {
      keyOne = one.keyId();
      keyTwo = two.keyId();
      keyOneBytes = one.keyBytes();
    }
  }

  @AfterEach
  void tearDown() {
    storeA.close();
    fixture.close();
  }

  @Test
  void registerDevice_sendsIdentityAndParsesServerDevice() throws Exception {
    DeviceIdentity identity = storeA.deviceIdentity();
    Device serverDevice =
        fixture.registry.register(
            DrmFixture.ALICE,
            new dev.tonearm.server.drm.RegisterDeviceRequest(
                identity.deviceId(), identity.publicKeyBase64(), "Laptop"));
    fixture.wireMock.stubFor(
        post(urlEqualTo("/v1/devices"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withBody(DrmFixture.JSON.writeValueAsBytes(serverDevice))));

    RegisteredDevice device = fixture.manager(storeA).registerDevice("Laptop");

    assertThat(device.deviceId()).isEqualTo(identity.deviceId());
    assertThat(device.publicKeySha256()).isEqualTo(identity.publicKeySha256());
    assertThat(device.registeredAtMs()).isEqualTo(DrmFixture.START_MS);
    fixture.wireMock.verify(
        postRequestedFor(urlEqualTo("/v1/devices"))
            .withHeader("Authorization", equalTo("Bearer " + DrmFixture.ALICE_TOKEN))
            .withRequestBody(matchingJsonPath("$.deviceId", equalTo(identity.deviceId())))
            .withRequestBody(matchingJsonPath("$.publicKey", equalTo(identity.publicKeyBase64())))
            .withRequestBody(matchingJsonPath("$.name", equalTo("Laptop"))));
  }

  @Test
  void listAndDeauthorise_useDeviceRoutes() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    DeviceList list = new DeviceList(fixture.registry.list(DrmFixture.ALICE));
    fixture.wireMock.stubFor(
        get(urlEqualTo("/v1/devices"))
            .willReturn(aResponse().withBody(DrmFixture.JSON.writeValueAsBytes(list))));
    String deviceId = storeA.deviceIdentity().deviceId();
    fixture.wireMock.stubFor(
        delete(urlEqualTo("/v1/devices/" + deviceId)).willReturn(aResponse().withStatus(204)));
    OkHttpLicenceClient client = fixture.client(DrmFixture.ALICE_TOKEN);

    List<RegisteredDevice> devices = client.listDevices();
    client.deauthoriseDevice(deviceId);

    assertThat(devices).extracting(RegisteredDevice::deviceId).containsExactly(deviceId);
    fixture.wireMock.verify(deleteRequestedFor(urlEqualTo("/v1/devices/" + deviceId)));
  }

  @Test
  void acquireKeys_storesUnwrappedKeysWithServerExpiry() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    String deviceId = storeA.deviceIdentity().deviceId();
    fixture.stubLicence(DrmFixture.ALICE, deviceId, Arrays.asList(keyOne, keyTwo), "streaming");

    List<Licence> licences =
        fixture
            .manager(storeA)
            .acquireKeys(Arrays.asList(keyOne, keyTwo), LicencePurpose.STREAMING);

    assertThat(licences).hasSize(1);
    long expectedExpiryMs = DrmFixture.START_MS + Duration.ofHours(24).toMillis();
    assertThat(licences.get(0).expiresAtMs()).isEqualTo(expectedExpiryMs);
    assertThat(storeA.contentKeyIds()).containsExactlyInAnyOrder(keyOne, keyTwo);
    assertThat(storeA.contentKey(keyOne).keyBytes()).isEqualTo(keyOneBytes);
    assertThat(storeA.expiresAtMs(keyTwo).getAsLong()).isEqualTo(expectedExpiryMs);
    fixture.wireMock.verify(
        postRequestedFor(urlEqualTo("/v1/licences"))
            .withRequestBody(matchingJsonPath("$.deviceId", equalTo(deviceId)))
            .withRequestBody(matchingJsonPath("$.keyIds[1]", equalTo(keyTwo)))
            .withRequestBody(matchingJsonPath("$.purpose", equalTo("streaming"))));
  }

  @Test
  void acquireKeys_keysSurviveReopeningTheStore() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    fixture.stubLicence(
        DrmFixture.ALICE, storeA.deviceIdentity().deviceId(), List.of(keyOne), "offline");
    fixture.manager(storeA).acquireKeys(List.of(keyOne), LicencePurpose.OFFLINE);
    storeA.close();

    storeA = fixture.openStore("device-a");

    assertThat(storeA.contentKey(keyOne).keyBytes()).isEqualTo(keyOneBytes);
    assertThat(storeA.expiresAtMs(keyOne).getAsLong())
        .isEqualTo(DrmFixture.START_MS + Duration.ofDays(30).toMillis());
  }

  @Test
  void licenceForA_uselessToB() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    dev.tonearm.server.drm.SignedLicence licenceForA =
        fixture.stubLicence(
            DrmFixture.ALICE, storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming");

    try (DeviceKeyStore storeB = fixture.openStore("device-b")) {
      LicenceManager managerB = fixture.manager(storeB);

      assertThatThrownBy(() -> managerB.acquireKeys(List.of(keyOne), LicencePurpose.STREAMING))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_DEVICE_MISMATCH));
      assertThat(storeB.contentKeyIds()).isEmpty();

      // Even with the device check bypassed, B's private key cannot unwrap A's key.
      Licence verified =
          fixture
              .verifier()
              .verify(
                  DrmFixture.toSdk(licenceForA),
                  storeA.deviceIdentity().deviceId(),
                  fixture.deviceClock.millis());
      byte[] wrappedForA = verified.keys().get(0).wrappedKey();
      assertThatThrownBy(
              () -> storeB.deviceIdentity().unwrapContentKey(keyOne, wrappedForA, Long.MAX_VALUE))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_UNWRAP_FAILED));
      assertThat(
              storeA
                  .deviceIdentity()
                  .unwrapContentKey(keyOne, wrappedForA, Long.MAX_VALUE)
                  .keyBytes())
          .isEqualTo(keyOneBytes);
    }
  }

  @Test
  void serverRefusesLicenceForDeviceOfAnotherAccount() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    LicenceRequest request =
        new LicenceRequest(storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming");

    assertThatThrownBy(() -> fixture.licences.issue(DrmFixture.BOB, request))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_OWNED));
  }

  @Test
  void expiredLicence_refusesPlayback() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    fixture.stubLicence(
        DrmFixture.ALICE, storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming");
    LicenceManager manager = fixture.manager(storeA);
    manager.acquireKeys(List.of(keyOne), LicencePurpose.STREAMING);
    String iv = "000102030405060708090a0b0c0d0e0f";
    assertThat(manager.decryptor(keyOne, iv)).isNotNull();

    fixture.deviceClock.advance(Duration.ofHours(24));

    assertThatThrownBy(() -> manager.decryptor(keyOne, iv))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_EXPIRED));
  }

  @Test
  void licenceAlreadyExpiredOnArrival_isRejected() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    fixture.stubLicence(
        DrmFixture.ALICE, storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming");
    fixture.deviceClock.advance(Duration.ofHours(25));

    assertThatThrownBy(
            () -> fixture.manager(storeA).acquireKeys(List.of(keyOne), LicencePurpose.STREAMING))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_EXPIRED));
    assertThat(storeA.contentKeyIds()).isEmpty();
  }

  @Test
  void modifiedPayload_failsSignatureCheck() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    dev.tonearm.server.drm.SignedLicence real =
        fixture.licences.issue(
            DrmFixture.ALICE,
            new LicenceRequest(storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming"));
    String payload = new String(Base64.getDecoder().decode(real.licence()), StandardCharsets.UTF_8);
    String extended = payload.replace("\"expiresAtMs\":", "\"expiresAtMs\":9");
    SignedLicence forged =
        new SignedLicence(
            Base64.getEncoder().encodeToString(extended.getBytes(StandardCharsets.UTF_8)),
            real.signature(),
            real.signingKeyId());

    assertThatThrownBy(() -> fixture.manager(storeA).acceptLicence(forged, List.of(keyOne)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_SIGNATURE_INVALID));
  }

  @Test
  void foreignSigningKey_isRejected() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    try (DrmFixture other = new DrmFixture(dir.resolve("other-server"))) {
      other.registerOnServer(DrmFixture.ALICE, storeA);
      try (dev.tonearm.server.drm.ContentKey key = other.kms.createContentKey()) {
        dev.tonearm.server.drm.SignedLicence foreign =
            other.licences.issue(
                DrmFixture.ALICE,
                new LicenceRequest(
                    storeA.deviceIdentity().deviceId(), List.of(key.keyId()), "streaming"));
        LicenceManager manager = fixture.manager(storeA);

        assertThatThrownBy(
                () -> manager.acceptLicence(DrmFixture.toSdk(foreign), List.of(key.keyId())))
            .isInstanceOfSatisfying(
                DrmException.class,
                e ->
                    assertThat(e.reason())
                        .isEqualTo(DrmException.ERROR_LICENCE_UNTRUSTED_SIGNING_KEY));

        SignedLicence claimingTrustedKey =
            new SignedLicence(
                foreign.licence(), foreign.signature(), fixture.kms.signingKey().keyId());
        assertThatThrownBy(() -> manager.acceptLicence(claimingTrustedKey, List.of(key.keyId())))
            .isInstanceOfSatisfying(
                DrmException.class,
                e ->
                    assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_SIGNATURE_INVALID));
      }
    }
  }

  @Test
  void licenceMissingARequestedKey_isMalformed() throws Exception {
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    fixture.stubLicence(
        DrmFixture.ALICE, storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming");

    assertThatThrownBy(
            () ->
                fixture
                    .manager(storeA)
                    .acquireKeys(Arrays.asList(keyOne, keyTwo), LicencePurpose.STREAMING))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_MALFORMED));
  }

  @Test
  void serverErrorCodes_mapToReasonCodes() throws Exception {
    Map<DrmServiceException.Reason, Integer> expected = new LinkedHashMap<>();
    expected.put(
        DrmServiceException.Reason.DEVICE_NOT_FOUND, DrmException.ERROR_DEVICE_NOT_REGISTERED);
    expected.put(DrmServiceException.Reason.DEVICE_NOT_OWNED, DrmException.ERROR_DEVICE_NOT_OWNED);
    expected.put(
        DrmServiceException.Reason.DEVICE_LIMIT_REACHED, DrmException.ERROR_DEVICE_LIMIT_REACHED);
    expected.put(
        DrmServiceException.Reason.SUBSCRIPTION_REQUIRED, DrmException.ERROR_SUBSCRIPTION_REQUIRED);
    expected.put(DrmServiceException.Reason.UNKNOWN_KEY, DrmException.ERROR_UNKNOWN_KEY);
    expected.put(DrmServiceException.Reason.INVALID_REQUEST, DrmException.ERROR_SERVER);
    expected.put(DrmServiceException.Reason.STORAGE_FAILED, DrmException.ERROR_SERVER);
    OkHttpLicenceClient client = fixture.client(DrmFixture.ALICE_TOKEN);

    for (Map.Entry<DrmServiceException.Reason, Integer> entry : expected.entrySet()) {
      DrmServiceException.Reason reason = entry.getKey();
      fixture.wireMock.stubFor(
          post(urlEqualTo("/v1/licences"))
              .willReturn(
                  aResponse()
                      .withStatus(reason.httpStatus())
                      .withBody(
                          "{\"error\":{\"code\":\"" + reason + "\",\"message\":\"refused\"}}")));

      assertThatThrownBy(
              () -> client.requestLicence("d-1", List.of(keyOne), LicencePurpose.STREAMING))
          .as("server code %s", reason)
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> {
                assertThat(e.reason()).isEqualTo((int) entry.getValue());
                assertThat(e.serverCode()).isEqualTo(reason.name());
              });
    }
  }

  @Test
  void unauthorized_mapsToUnauthorized() {
    fixture.wireMock.stubFor(
        post(urlEqualTo("/v1/licences"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"error\":{\"code\":\"TOKEN_EXPIRED\",\"message\":\"x\"}}")));

    assertThatThrownBy(
            () ->
                fixture
                    .client("stale")
                    .requestLicence("d-1", List.of(keyOne), LicencePurpose.STREAMING))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_UNAUTHORIZED));
  }

  @Test
  void malformedOrOversizedResponses_failWithMalformedResponse() {
    String[] bodies = {"not json", "[]", "{\"licence\":1}", "{}"};
    for (String body : bodies) {
      fixture.wireMock.stubFor(
          post(urlEqualTo("/v1/licences")).willReturn(aResponse().withStatus(200).withBody(body)));
      assertThatThrownBy(
              () ->
                  fixture
                      .client(DrmFixture.ALICE_TOKEN)
                      .requestLicence("d-1", List.of(keyOne), LicencePurpose.STREAMING))
          .as("body %s", body)
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_MALFORMED_RESPONSE));
    }

    byte[] huge = new byte[2048];
    Arrays.fill(huge, (byte) ' ');
    fixture.wireMock.stubFor(
        post(urlEqualTo("/v1/licences")).willReturn(aResponse().withStatus(200).withBody(huge)));
    OkHttpLicenceClient small =
        OkHttpLicenceClient.builder()
            .baseUrl(fixture.baseUrl())
            .accessTokenProvider(() -> DrmFixture.ALICE_TOKEN)
            .maxResponseBytes(1024)
            .build();
    assertThatThrownBy(() -> small.requestLicence("d-1", List.of(keyOne), LicencePurpose.STREAMING))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_MALFORMED_RESPONSE));
  }

  @Test
  void connectionRefused_failsWithNetwork() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    OkHttpLicenceClient client =
        OkHttpLicenceClient.builder()
            .baseUrl("http://127.0.0.1:" + closedPort)
            .accessTokenProvider(() -> DrmFixture.ALICE_TOKEN)
            .build();

    assertThatThrownBy(
            () -> client.requestLicence("d-1", List.of(keyOne), LicencePurpose.STREAMING))
        .isInstanceOfSatisfying(
            DrmException.class, e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_NETWORK));
  }

  @Test
  void fetchSigningKeys_parsesServerKeyList() throws Exception {
    fixture.wireMock.stubFor(
        get(urlEqualTo("/v1/licences/signing-keys"))
            .willReturn(
                aResponse()
                    .withBody(DrmFixture.JSON.writeValueAsBytes(fixture.licences.signingKeys()))));

    List<SigningKey> keys = fixture.client(DrmFixture.ALICE_TOKEN).fetchSigningKeys();

    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).keyId()).isEqualTo(fixture.kms.signingKey().keyId());
    assertThat(Base64.getEncoder().encodeToString(keys.get(0).publicKey()))
        .isEqualTo(fixture.kms.signingKey().publicKey());
    fixture.registerOnServer(DrmFixture.ALICE, storeA);
    dev.tonearm.server.drm.SignedLicence licence =
        fixture.licences.issue(
            DrmFixture.ALICE,
            new LicenceRequest(storeA.deviceIdentity().deviceId(), List.of(keyOne), "streaming"));
    Licence verified =
        new LicenceVerifier(Collections.singletonList(keys.get(0)))
            .verify(
                DrmFixture.toSdk(licence),
                storeA.deviceIdentity().deviceId(),
                fixture.deviceClock.millis());
    assertThat(verified.keys())
        .extracting(Licence.WrappedContentKey::keyId)
        .containsExactly(keyOne);
  }
}
