package dev.tonearm.server.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Licence issuing, checked with the JDK's own RSA-OAEP and Ed25519, independent of the SDK. */
class LicenceServiceTest {
  private static final long NOW_MS = 1_800_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KeyPair deviceA;
  private static KeyPair deviceB;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(NOW_MS);
  private final Set<String> premiumAccounts = new HashSet<>(Set.of("u-alice"));
  private FileKeyManagementService kms;
  private FileDeviceRegistry registry;
  private LicenceService service;
  private String keyOne;
  private String keyTwo;

  @BeforeAll
  static void generateDeviceKeys() throws Exception {
    deviceA = TestKeys.rsa(2048);
    deviceB = TestKeys.rsa(2048);
  }

  @BeforeEach
  void setUp() throws Exception {
    kms = FileKeyManagementService.open(dir.resolve("kms"));
    registry = FileDeviceRegistry.inMemory(clock, 5);
    service =
        LicenceService.builder()
            .keyManagementService(kms)
            .deviceRegistry(registry)
            .subscriptionPolicy(
                (account, purpose) ->
                    purpose == LicencePurpose.STREAMING || premiumAccounts.contains(account))
            .clock(clock)
            .maxKeysPerRequest(3)
            .build();
    registry.register(
        "u-alice", new RegisterDeviceRequest("d-alice-laptop", TestKeys.base64(deviceA), "Laptop"));
    registry.register(
        "u-bob", new RegisterDeviceRequest("d-bob-phone-1", TestKeys.base64(deviceB), "Phone"));
    try (ContentKey one = kms.createContentKey();
        ContentKey two = kms.createContentKey()) {
      keyOne = one.keyId();
      keyTwo = two.keyId();
    }
  }

  @Test
  void issue_wrapsKeysAndSignsPayload() throws Exception {
    SignedLicence signed =
        service.issue(
            "u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne, keyTwo), "streaming"));

    byte[] payload = Base64.getDecoder().decode(signed.licence());
    assertThat(verifyWithJdk(payload, Base64.getDecoder().decode(signed.signature()))).isTrue();
    assertThat(signed.signingKeyId()).isEqualTo(kms.signingKey().keyId());

    JsonNode licence = JSON.readTree(payload);
    assertThat(licence.get("version").asInt()).isEqualTo(1);
    assertThat(licence.get("licenceId").asText()).matches("l-[0-9a-f]{32}");
    assertThat(licence.get("accountId").asText()).isEqualTo("u-alice");
    assertThat(licence.get("deviceId").asText()).isEqualTo("d-alice-laptop");
    assertThat(licence.get("purpose").asText()).isEqualTo("streaming");
    assertThat(licence.get("issuedAtMs").asLong()).isEqualTo(NOW_MS);
    assertThat(licence.get("expiresAtMs").asLong())
        .isEqualTo(NOW_MS + Duration.ofHours(24).toMillis());
    List<String> keyIds = new ArrayList<>();
    for (JsonNode key : licence.get("keys")) {
      String keyId = key.get("keyId").asText();
      keyIds.add(keyId);
      byte[] unwrapped =
          unwrapWithJdk(deviceA, Base64.getDecoder().decode(key.get("wrappedKey").asText()));
      try (ContentKey expected = kms.contentKey(keyId)) {
        assertThat(unwrapped).as("key %s", keyId).isEqualTo(expected.keyBytes());
      }
    }
    assertThat(keyIds).containsExactly(keyOne, keyTwo);
  }

  @Test
  void issue_offline_usesOfflineLifetime() throws Exception {
    SignedLicence signed =
        service.issue("u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne), "offline"));

    JsonNode licence = JSON.readTree(Base64.getDecoder().decode(signed.licence()));
    assertThat(licence.get("expiresAtMs").asLong())
        .isEqualTo(NOW_MS + Duration.ofDays(30).toMillis());
  }

  @Test
  void issue_keysCannotBeUnwrappedByAnotherDevice() throws Exception {
    SignedLicence signed =
        service.issue(
            "u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming"));
    JsonNode licence = JSON.readTree(Base64.getDecoder().decode(signed.licence()));
    byte[] wrapped =
        Base64.getDecoder().decode(licence.get("keys").get(0).get("wrappedKey").asText());

    assertThatThrownBy(() -> unwrapWithJdk(deviceB, wrapped))
        .isInstanceOf(javax.crypto.BadPaddingException.class);
  }

  @Test
  void issue_otherAccountsDevice_notOwned() {
    assertThatThrownBy(
            () ->
                service.issue(
                    "u-bob", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_OWNED);
              assertThat(e.reason().httpStatus()).isEqualTo(403);
            });
  }

  @Test
  void issue_unknownDevice_notFound() throws Exception {
    registry.deauthorise("u-alice", "d-alice-laptop");

    for (String deviceId : new String[] {"d-alice-laptop", "d-never-registered", null}) {
      assertThatThrownBy(
              () ->
                  service.issue(
                      "u-alice", new LicenceRequest(deviceId, List.of(keyOne), "streaming")))
          .as("device %s", deviceId)
          .isInstanceOfSatisfying(
              DrmServiceException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_FOUND));
    }
  }

  @Test
  void issue_offlineWithoutPremium_failsWithSubscriptionRequired() throws Exception {
    premiumAccounts.clear();

    assertThatThrownBy(
            () ->
                service.issue(
                    "u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne), "offline")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e ->
                assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.SUBSCRIPTION_REQUIRED));
    assertThat(
            service.issue(
                "u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming")))
        .isNotNull();
  }

  @Test
  void issue_unknownKey_namesKey() {
    assertThatThrownBy(
            () ->
                service.issue(
                    "u-alice",
                    new LicenceRequest(
                        "d-alice-laptop",
                        List.of(keyOne, "k-ffffffffffffffffffffffffffffffff"),
                        "streaming")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.UNKNOWN_KEY);
              assertThat(e.getMessage()).contains("k-ffffffffffffffffffffffffffffffff");
            });
  }

  @Test
  void issue_malformedRequests_failWithInvalidRequest() {
    List<LicenceRequest> requests =
        Arrays.asList(
            null,
            new LicenceRequest("d-alice-laptop", null, "streaming"),
            new LicenceRequest("d-alice-laptop", Collections.emptyList(), "streaming"),
            new LicenceRequest("d-alice-laptop", List.of("a", "b", "c", "d"), "streaming"),
            new LicenceRequest("d-alice-laptop", List.of("../key"), "streaming"),
            new LicenceRequest("d-alice-laptop", Arrays.asList(keyOne, null), "streaming"),
            new LicenceRequest("d-alice-laptop", List.of(keyOne), "download"),
            new LicenceRequest("d-alice-laptop", List.of(keyOne), null));

    for (LicenceRequest request : requests) {
      assertThatThrownBy(() -> service.issue("u-alice", request))
          .as("request %s", request)
          .isInstanceOfSatisfying(
              DrmServiceException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.INVALID_REQUEST));
    }
    assertThatThrownBy(
            () ->
                service.issue(
                    "", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.INVALID_REQUEST));
  }

  @Test
  void issue_duplicateKeyIds_areWrappedOnce() throws Exception {
    SignedLicence signed =
        service.issue(
            "u-alice",
            new LicenceRequest("d-alice-laptop", List.of(keyOne, keyOne, keyOne), "streaming"));

    JsonNode licence = JSON.readTree(Base64.getDecoder().decode(signed.licence()));
    assertThat(licence.get("keys")).hasSize(1);
  }

  @Test
  void responsesAndErrors_containNoContentKeyBytes() throws Exception {
    SignedLicence signed =
        service.issue(
            "u-alice", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming"));
    String payload =
        new String(Base64.getDecoder().decode(signed.licence()), StandardCharsets.UTF_8);
    List<String> texts = new ArrayList<>(List.of(signed.toString(), payload, kms.toString()));
    try {
      service.issue("u-bob", new LicenceRequest("d-alice-laptop", List.of(keyOne), "streaming"));
    } catch (DrmServiceException e) {
      texts.add(e.toString());
    }

    try (ContentKey key = kms.contentKey(keyOne)) {
      texts.add(key.toString());
      String hex = HexFormat.of().formatHex(key.keyBytes());
      String base64 = Base64.getEncoder().encodeToString(key.keyBytes());
      for (String text : texts) {
        assertThat(text).doesNotContain(hex).doesNotContain(base64);
      }
    }
  }

  @Test
  void signingKeys_listTheKmsKey() {
    assertThat(service.signingKeys().keys()).containsExactly(kms.signingKey());
    assertThat(kms.signingKey().algorithm()).isEqualTo("Ed25519");
  }

  private boolean verifyWithJdk(byte[] payload, byte[] signature) throws Exception {
    byte[] raw = Base64.getDecoder().decode(kms.signingKey().publicKey());
    byte[] spki =
        HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(raw));
    PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(key);
    verifier.update(SignedLicence.SIGNATURE_CONTEXT.getBytes(StandardCharsets.UTF_8));
    verifier.update(payload);
    return verifier.verify(signature);
  }

  private static byte[] unwrapWithJdk(KeyPair device, byte[] wrapped) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        device.getPrivate(),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    return cipher.doFinal(wrapped);
  }
}
