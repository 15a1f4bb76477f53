package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device and licence routes over real sockets: request validation, the caller checks, the
 * device limit, and a licence whose signature and wrapped key check out with real crypto.
 */
@ExtendWith(NoLeaks.class)
class DrmRoutesTest {
  private static final int MAX_DEVICES = 2;

  @TempDir Path tempDir;
  private ReferenceServer server;
  private Tokens premium;
  private Tokens free;
  private KeyPair deviceKeys;
  private String keyId;

  @BeforeEach
  void startServer() throws Exception {
    server =
        TestServers.builder(tempDir)
            .seedDemo(false)
            .maxDevicesPerAccount(MAX_DEVICES)
            .build()
            .start();
    premium = Tokens.premium(server.apiUrl());
    free = Tokens.free(server.apiUrl());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    deviceKeys = generator.generateKeyPair();
    try (ContentKey key = server.keyManagement().createContentKey()) {
      keyId = key.keyId();
    }
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private RawHttp.Response send(String method, String path, Tokens caller, String body)
      throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.send(
          method,
          path,
          Map.of("Authorization", caller.bearer(), "Content-Type", "application/json"),
          body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String registration(String deviceId) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("deviceId", deviceId);
    body.put("publicKey", Base64.getEncoder().encodeToString(deviceKeys.getPublic().getEncoded()));
    body.put("name", "Test device");
    return body.toString();
  }

  private static String licenceRequest(String deviceId, String purpose, String... keyIds) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("deviceId", deviceId);
    ArrayNode ids = body.putArray("keyIds");
    for (String id : keyIds) {
      ids.add(id);
    }
    body.put("purpose", purpose);
    return body.toString();
  }

  private static String errorCode(RawHttp.Response response) throws Exception {
    return response.json().at("/error/code").asText();
  }

  @Test
  void licence_overHttp_verifiesAndUnwrapsToServerKey() throws Exception {
    assertThat(send("POST", "/v1/devices", premium, registration("d-route-test-1")).status())
        .isEqualTo(201);

    RawHttp.Response response =
        send("POST", "/v1/licences", premium, licenceRequest("d-route-test-1", "offline", keyId));
    JsonNode signingKeys = send("GET", "/v1/licences/signing-keys", premium, null).json();

    assertThat(response.status()).isEqualTo(200);
    byte[] payload = Base64.getDecoder().decode(response.json().get("licence").asText());
    byte[] signature = Base64.getDecoder().decode(response.json().get("signature").asText());
    JsonNode signingKey = signingKeys.get("keys").get(0);
    assertThat(response.json().get("signingKeyId").asText())
        .isEqualTo(signingKey.get("keyId").asText());
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(
        false,
        new Ed25519PublicKeyParameters(
            Base64.getDecoder().decode(signingKey.get("publicKey").asText()), 0));
    byte[] context = "tonearm-licence-v1\n".getBytes(StandardCharsets.UTF_8);
    verifier.update(context, 0, context.length);
    verifier.update(payload, 0, payload.length);
    assertThat(verifier.verifySignature(signature)).isTrue();
    JsonNode licence = Json.MAPPER.readTree(payload);
    assertThat(licence.get("deviceId").asText()).isEqualTo("d-route-test-1");
    assertThat(licence.get("accountId").asText()).isEqualTo("u-premium");
    assertThat(licence.get("purpose").asText()).isEqualTo("offline");
    assertThat(licence.get("keys")).hasSize(1);
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(
        Cipher.DECRYPT_MODE,
        deviceKeys.getPrivate(),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    byte[] unwrapped =
        oaep.doFinal(
            Base64.getDecoder().decode(licence.get("keys").get(0).get("wrappedKey").asText()));
    try (ContentKey serverKey = server.keyManagement().contentKey(keyId)) {
      assertThat(unwrapped).isEqualTo(serverKey.keyBytes());
    }
  }

  @Test
  void licenceRequest_thousandKeyIds_fitsBodyLimit() throws Exception {
    send("POST", "/v1/devices", premium, registration("d-route-test-1"));
    String[] ids = new String[1000];
    java.util.Arrays.fill(ids, keyId);
    String body = licenceRequest("d-route-test-1", "streaming", ids);

    RawHttp.Response response = send("POST", "/v1/licences", premium, body);

    assertThat(body.length()).isGreaterThan(32 * 1024);
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    JsonNode licence =
        Json.MAPPER.readTree(Base64.getDecoder().decode(response.json().get("licence").asText()));
    assertThat(licence.get("keys")).as("duplicates are ignored").hasSize(1);
  }

  @Test
  void licenceRequest_over1000KeyIds_isBadRequest() throws Exception {
    send("POST", "/v1/devices", premium, registration("d-route-test-1"));
    String[] ids = new String[1001];
    java.util.Arrays.fill(ids, keyId);

    RawHttp.Response response =
        send("POST", "/v1/licences", premium, licenceRequest("d-route-test-1", "streaming", ids));

    assertThat(response.status()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("BAD_REQUEST");
  }

  @Test
  void malformedBodies_areRejectedWithCodes() throws Exception {
    String[][] cases = {
      {"/v1/devices", "{\"deviceId\": ", "INVALID_JSON"},
      {"/v1/devices", "[]", "BAD_REQUEST"},
      {"/v1/devices", "{\"deviceId\": 5, \"publicKey\": {}}", "BAD_REQUEST"},
      {"/v1/devices", "{\"publicKey\": \"x\"}", "BAD_REQUEST"},
      {"/v1/devices", registration("bad id with spaces"), "BAD_REQUEST"},
      {"/v1/devices", registration("short"), "BAD_REQUEST"},
      {"/v1/licences", "{\"deviceId\": \"d-route-test-1\", \"keyIds\": \"k-1\"}", "BAD_REQUEST"},
      {"/v1/licences", licenceRequest("d-route-test-1", null, "k-1"), "BAD_REQUEST"},
      {"/v1/licences", licenceRequest("d-route-test-1", "streaming"), "BAD_REQUEST"},
      {"/v1/licences", licenceRequest("d-route-test-1", "streaming", "../keys"), "BAD_REQUEST"},
    };
    for (String[] testCase : cases) {
      RawHttp.Response response = send("POST", testCase[0], premium, testCase[1]);

      assertThat(response.status()).as(testCase[1]).isEqualTo(400);
      assertThat(errorCode(response)).as(testCase[1]).isEqualTo(testCase[2]);
    }
  }

  @Test
  void deviceLimit_reachedAtMaximum_returns409() throws Exception {
    for (int i = 1; i <= MAX_DEVICES; i++) {
      assertThat(send("POST", "/v1/devices", premium, registration("d-route-test-" + i)).status())
          .isEqualTo(201);
    }

    RawHttp.Response response =
        send("POST", "/v1/devices", premium, registration("d-route-test-9"));
    RawHttp.Response again = send("POST", "/v1/devices", premium, registration("d-route-test-1"));

    assertThat(response.status()).isEqualTo(409);
    assertThat(errorCode(response)).isEqualTo("DEVICE_LIMIT_REACHED");
    assertThat(again.status()).as("re-registering an existing device").isEqualTo(201);
  }

  @Test
  void devices_listedAndDeletedOnlyByOwner() throws Exception {
    send("POST", "/v1/devices", premium, registration("d-route-test-1"));

    JsonNode premiumList = send("GET", "/v1/devices", premium, null).json();
    JsonNode freeList = send("GET", "/v1/devices", free, null).json();
    RawHttp.Response foreignDelete = send("DELETE", "/v1/devices/d-route-test-1", free, null);
    RawHttp.Response ownDelete = send("DELETE", "/v1/devices/d-route-test-1", premium, null);
    RawHttp.Response licenceAfterDelete =
        send("POST", "/v1/licences", premium, licenceRequest("d-route-test-1", "streaming", keyId));

    assertThat(premiumList.get("devices")).hasSize(1);
    assertThat(freeList.get("devices")).isEmpty();
    assertThat(foreignDelete.status()).isEqualTo(403);
    assertThat(errorCode(foreignDelete)).isEqualTo("DEVICE_NOT_OWNED");
    assertThat(ownDelete.status()).isEqualTo(204);
    assertThat(ownDelete.body()).isEmpty();
    assertThat(licenceAfterDelete.status()).isEqualTo(404);
    assertThat(errorCode(licenceAfterDelete)).isEqualTo("DEVICE_NOT_FOUND");
  }
}
