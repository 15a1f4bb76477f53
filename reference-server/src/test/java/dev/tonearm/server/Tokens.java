package dev.tonearm.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Logs in through the real API and returns the token pair. */
public record Tokens(String accessToken, String refreshToken) {
  /** Logs in as the premium demo account. */
  public static Tokens premium(String apiUrl) throws IOException {
    return login(apiUrl, ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
  }

  /** Logs in as the free demo account. */
  public static Tokens free(String apiUrl) throws IOException {
    return login(apiUrl, ReferenceServer.DEMO_FREE_USERNAME, ReferenceServer.DEMO_FREE_PASSWORD);
  }

  /** Logs in with {@code username} and {@code password}; fails unless the server returns 200. */
  public static Tokens login(String apiUrl, String username, String password) throws IOException {
    String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    try (RawHttp http = new RawHttp(apiUrl)) {
      RawHttp.Response response =
          http.send(
              "POST",
              "/v1/auth/login",
              Map.of("Content-Type", "application/json"),
              body.getBytes(StandardCharsets.UTF_8));
      if (response.status() != 200) {
        throw new IOException("login failed with " + response.status() + ": " + response.text());
      }
      JsonNode json = response.json();
      return new Tokens(json.get("accessToken").asText(), json.get("refreshToken").asText());
    }
  }

  /** Returns the {@code Authorization} header value for the access token. */
  public String bearer() {
    return "Bearer " + accessToken;
  }
}
