package dev.tonearm.server.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OfflineHttpApiTest {
  private static final String ACCOUNT = "u-premium";
  private static final String PHONE = "d-phone";

  private final ObjectMapper mapper = new ObjectMapper();
  private final OfflineFixture fixture = new OfflineFixture();
  private OfflineHttpApi api;

  @BeforeEach
  void setUp() {
    fixture.premiumAccount(ACCOUNT, PHONE, "d-2", "d-3", "d-4", "d-5", "d-6");
    fixture.tracks(3);
    api = new OfflineHttpApi(fixture.service());
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private JsonNode body(OfflineHttpApi.Response response) throws IOException {
    return mapper.readTree(response.body());
  }

  @Test
  void registerDevice_validBody_returns201WithDevice() throws IOException {
    OfflineHttpApi.Response response =
        api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\",\"displayName\":\"Phone\"}"));

    assertThat(response.status()).isEqualTo(201);
    JsonNode body = body(response);
    assertThat(body.path("device").path("deviceId").asText()).isEqualTo(PHONE);
    assertThat(body.path("device").path("displayName").asText()).isEqualTo("Phone");
    assertThat(body.path("device").path("lastOnlineCheckMs").isNull()).isTrue();
    assertThat(body.path("maxDevices").asInt()).isEqualTo(5);
  }

  @Test
  void registerDevice_sixthDevice_returns409DeviceLimit() throws IOException {
    for (String device : new String[] {PHONE, "d-2", "d-3", "d-4", "d-5"}) {
      api.registerDevice(ACCOUNT, json("{\"deviceId\":\"" + device + "\"}"));
    }

    OfflineHttpApi.Response response = api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-6\"}"));

    assertThat(response.status()).isEqualTo(409);
    JsonNode error = body(response).path("error");
    assertThat(error.path("code").asText()).isEqualTo("DEVICE_LIMIT");
    assertThat(error.path("message").asText()).contains("up to 5 devices");
  }

  @Test
  void downloadsThenKeys_valid_returnObjectsAndKeys() throws Exception {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));

    OfflineHttpApi.Response downloads =
        api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\",\"t-1\"]}"));
    OfflineHttpApi.Response keys =
        api.issueKeys(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\",\"t-1\"]}"));

    assertThat(downloads.status()).isEqualTo(200);
    JsonNode object = body(downloads).path("objects").get(0);
    assertThat(object.path("trackId").asText()).isEqualTo("t-0");
    assertThat(object.path("keyId").asText()).isEqualTo("k-t-0");
    assertThat(object.path("urls").size()).isEqualTo(2);
    assertThat(object.path("sizeBytes").asLong()).isEqualTo(600_000);
    assertThat(object.path("chunkSizeBytes").asInt()).isEqualTo(262_144);
    assertThat(object.path("chunkSha256").size()).isEqualTo(3);
    assertThat(body(downloads).path("heldTracks").asInt()).isEqualTo(2);

    assertThat(keys.status()).isEqualTo(200);
    JsonNode keysBody = body(keys);
    JsonNode key = keysBody.path("keys").get(1);
    assertThat(key.path("trackId").asText()).isEqualTo("t-1");
    byte[] wrapped = Base64.getDecoder().decode(key.path("wrappedKey").asText());
    assertThat(fixture.keyIssuer.unwrap(PHONE, wrapped))
        .isEqualTo(fixture.keyIssuer.contentKey("t-1"));
    assertThat(keysBody.path("licence").path("checkedAtMs").asLong())
        .isEqualTo(OfflineFixture.START.toEpochMilli());
    assertThat(keysBody.path("licence").path("expiresAtMs").asLong())
        .isGreaterThan(OfflineFixture.START.toEpochMilli());
  }

  @Test
  void refresh_heldTracks_returnsKeysAndDropped() throws IOException {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));
    api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\"]}"));

    OfflineHttpApi.Response response =
        api.refreshLicences(ACCOUNT, PHONE, json("{\"heldTrackIds\":[\"t-0\",\"t-2\"]}"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response).path("keys").size()).isEqualTo(1);
    assertThat(body(response).path("droppedTrackIds").get(0).asText()).isEqualTo("t-2");
  }

  @Test
  void releases_heldTrack_returnsRemainingCount() throws IOException {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));
    api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\",\"t-1\"]}"));

    OfflineHttpApi.Response response =
        api.releaseTracks(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\"]}"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(body(response).path("heldTracks").asInt()).isEqualTo(1);
  }

  @Test
  void deauthorise_registeredDevice_returns204() throws IOException {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));
    assertThat(body(api.listDevices(ACCOUNT)).path("devices").size()).isEqualTo(1);

    OfflineHttpApi.Response deleted = api.deauthoriseDevice(ACCOUNT, PHONE);
    OfflineHttpApi.Response again = api.deauthoriseDevice(ACCOUNT, PHONE);

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(again.status()).isEqualTo(403);
    assertThat(body(again).path("error").path("code").asText()).isEqualTo("DEVICE_NOT_REGISTERED");
    assertThat(body(api.listDevices(ACCOUNT)).path("devices").size()).isZero();
  }

  @Test
  void downloads_freeAccount_returns403PremiumRequired() throws IOException {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));
    fixture.tiers.put(ACCOUNT, AccountDirectory.Tier.FREE);

    OfflineHttpApi.Response response =
        api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":[\"t-0\"]}"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(body(response).path("error").path("code").asText()).isEqualTo("PREMIUM_REQUIRED");
  }

  @Test
  void requests_malformedBodies_return4xxWithCodes() throws IOException {
    api.registerDevice(ACCOUNT, json("{\"deviceId\":\"d-phone\"}"));

    OfflineHttpApi.Response notJson = api.authoriseDownloads(ACCOUNT, PHONE, json("{\"track"));
    OfflineHttpApi.Response notObject = api.authoriseDownloads(ACCOUNT, PHONE, json("[1]"));
    OfflineHttpApi.Response empty = api.authoriseDownloads(ACCOUNT, PHONE, new byte[0]);
    OfflineHttpApi.Response wrongType =
        api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":\"t-0\"}"));
    OfflineHttpApi.Response numberInList =
        api.authoriseDownloads(ACCOUNT, PHONE, json("{\"trackIds\":[1]}"));
    OfflineHttpApi.Response tooLarge =
        api.authoriseDownloads(ACCOUNT, PHONE, new byte[OfflineHttpApi.MAX_BODY_BYTES + 1]);

    assertThat(notJson.status()).isEqualTo(400);
    assertThat(body(notJson).path("error").path("code").asText()).isEqualTo("INVALID_JSON");
    assertThat(notObject.status()).isEqualTo(400);
    assertThat(body(notObject).path("error").path("code").asText()).isEqualTo("INVALID_JSON");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(body(wrongType).path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
    assertThat(numberInList.status()).isEqualTo(400);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(body(tooLarge).path("error").path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
  }
}
