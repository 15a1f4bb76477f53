package dev.tonearm.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.MutableClock;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Devices and HTTP helpers for session tests: two devices of the premium demo account, one of
 * the free account, registered through the server's real device registry.
 */
final class SessionFixture {
  static final String DEVICE_A = "d-session-phone";
  static final String DEVICE_B = "d-session-laptop";
  static final String FREE_DEVICE = "d-session-free";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final MutableClock clock = new MutableClock(Instant.parse("2027-01-15T10:00:00Z"));
  final ReferenceServer server;
  final Tokens premium;
  final Tokens free;

  SessionFixture(ReferenceServer.Builder builder) throws Exception {
    server = builder.clock(clock).sessionTimeout(TIMEOUT).build().start();
    premium = Tokens.premium(server.apiUrl());
    free = Tokens.free(server.apiUrl());
    String publicKey = rsaPublicKey();
    server.devices().register("u-premium", new RegisterDeviceRequest(DEVICE_A, publicKey, "A"));
    server.devices().register("u-premium", new RegisterDeviceRequest(DEVICE_B, publicKey, "B"));
    server.devices().register("u-free", new RegisterDeviceRequest(FREE_DEVICE, publicKey, ""));
  }

  /** Sends a request to the API with the caller's token and returns the response. */
  RawHttp.Response send(String method, String path, Tokens caller, String body) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    if (caller != null) {
      headers.put("Authorization", caller.bearer());
    }
    headers.put("Content-Type", "application/json");
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.send(
          method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Starts a session on {@code deviceId} as {@code caller}; fails unless the server returns 201. */
  String start(Tokens caller, String deviceId) throws Exception {
    RawHttp.Response response =
        send("POST", "/v1/sessions", caller, "{\"deviceId\":\"" + deviceId + "\"}");
    if (response.status() != 201) {
      throw new AssertionError("session start returned " + response.status() + ": " + response.text());
    }
    return response.json().get("sessionId").asText();
  }

  /** Returns the {@code error.code} of an error response. */
  static String errorCode(RawHttp.Response response) throws Exception {
    JsonNode json = response.json();
    return json.path("error").path("code").asText();
  }

  private static String rsaPublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
  }
}
