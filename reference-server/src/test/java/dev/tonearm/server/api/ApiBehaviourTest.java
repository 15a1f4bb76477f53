package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.MutableClock;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication, error mapping, limits and connection handling of the API and the edges, on a
 * server without the demo catalog and with a clock the test moves.
 */
@ExtendWith(NoLeaks.class)
class ApiBehaviourTest {
  /** Every authenticated endpoint, as method, listener (api or edge) and path. */
  private static final List<String[]> AUTHENTICATED_ENDPOINTS =
      List.of(
          new String[] {"GET", "api", "/v1/tracks"},
          new String[] {"GET", "api", "/v1/playlists/demo"},
          new String[] {"GET", "api", "/v1/tracks/t-000000000000/manifest"},
          new String[] {"POST", "api", "/v1/devices"},
          new String[] {"GET", "api", "/v1/devices"},
          new String[] {"DELETE", "api", "/v1/devices/d-0000000000"},
          new String[] {"POST", "api", "/v1/licences"},
          new String[] {"GET", "api", "/v1/licences/signing-keys"},
          new String[] {"GET", "edge", "/objects/t-000000000000/vorbis-96"},
          new String[] {"HEAD", "edge", "/objects/t-000000000000/vorbis-96"});

  @TempDir Path tempDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private ReferenceServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServers.builder(tempDir).seedDemo(false).clock(clock).build().start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private RawHttp connect(String listener) throws IOException {
    return new RawHttp(listener.equals("api") ? server.apiUrl() : server.edgeUrls().get(0));
  }

  private RawHttp.Response post(String path, String json) throws IOException {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.send(
          "POST",
          path,
          Map.of("Content-Type", "application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyEndpoint_withoutToken_returns401() throws Exception {
    for (String[] endpoint : AUTHENTICATED_ENDPOINTS) {
      try (RawHttp http = connect(endpoint[1])) {
        RawHttp.Response response = http.send(endpoint[0], endpoint[2], Map.of(), null);

        assertThat(response.status()).as(String.join(" ", endpoint)).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).as(endpoint[2]).startsWith("Bearer");
        if (!endpoint[0].equals("HEAD")) {
          assertThat(response.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
        }
      }
    }
  }

  @Test
  void everyEndpoint_withMalformedOrUnknownToken_returns401() throws Exception {
    for (String authorization : List.of("Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-token")) {
      for (String[] endpoint : AUTHENTICATED_ENDPOINTS) {
        try (RawHttp http = connect(endpoint[1])) {
          RawHttp.Response response =
              http.send(endpoint[0], endpoint[2], Map.of("Authorization", authorization), null);

          assertThat(response.status()).as(authorization + " " + endpoint[2]).isEqualTo(401);
        }
      }
    }
  }

  @Test
  void everyEndpoint_withExpiredToken_returnsTokenExpired() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());
    clock.advance(Duration.ofMinutes(15));

    for (String[] endpoint : AUTHENTICATED_ENDPOINTS) {
      try (RawHttp http = connect(endpoint[1])) {
        RawHttp.Response response =
            http.send(endpoint[0], endpoint[2], Map.of("Authorization", tokens.bearer()), null);

        assertThat(response.status()).as(endpoint[2]).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
        if (!endpoint[0].equals("HEAD")) {
          assertThat(response.json().at("/error/code").asText()).isEqualTo("TOKEN_EXPIRED");
        }
      }
    }
  }

  @Test
  void accessToken_justBeforeExpiry_isAccepted() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());
    clock.advance(Duration.ofMinutes(15).minusMillis(1));

    try (RawHttp http = connect("api")) {
      RawHttp.Response response =
          http.get("/v1/tracks", Map.of("Authorization", tokens.bearer()));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().get("tracks").size()).isZero();
    }
  }

  @Test
  void refresh_afterAccessExpiry_issuesWorkingPairAndRotates() throws Exception {
    Tokens first = Tokens.premium(server.apiUrl());
    clock.advance(Duration.ofMinutes(20));

    RawHttp.Response refreshed =
        post("/v1/auth/refresh", "{\"refreshToken\":\"" + first.refreshToken() + "\"}");
    JsonNode pair = refreshed.json();
    Tokens second = new Tokens(pair.get("accessToken").asText(), pair.get("refreshToken").asText());

    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(pair.get("expiresInS").asLong()).isEqualTo(900);
    assertThat(pair.get("userId").asText()).isEqualTo("u-premium");
    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    try (RawHttp http = connect("api")) {
      assertThat(http.get("/v1/tracks", Map.of("Authorization", second.bearer())).status())
          .isEqualTo(200);
    }
  }

  @Test
  void reusedRefreshToken_isRejectedAndRevokesFamily() throws Exception {
    Tokens first = Tokens.premium(server.apiUrl());
    RawHttp.Response rotated =
        post("/v1/auth/refresh", "{\"refreshToken\":\"" + first.refreshToken() + "\"}");
    String newAccess = rotated.json().get("accessToken").asText();

    RawHttp.Response reuse =
        post("/v1/auth/refresh", "{\"refreshToken\":\"" + first.refreshToken() + "\"}");

    assertThat(reuse.status()).isEqualTo(401);
    assertThat(reuse.json().at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
    try (RawHttp http = connect("api")) {
      assertThat(http.get("/v1/tracks", Map.of("Authorization", "Bearer " + newAccess)).status())
          .as("access token of the revoked family")
          .isEqualTo(401);
    }
  }

  @Test
  void expiredRefreshToken_returnsTokenExpired() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());
    clock.advance(Duration.ofDays(31));

    RawHttp.Response response =
        post("/v1/auth/refresh", "{\"refreshToken\":\"" + tokens.refreshToken() + "\"}");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("TOKEN_EXPIRED");
  }

  @Test
  void accessTokenUsedAsRefreshToken_isRejected() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());

    RawHttp.Response response =
        post("/v1/auth/refresh", "{\"refreshToken\":\"" + tokens.accessToken() + "\"}");

    assertThat(response.status()).isEqualTo(401);
  }

  @Test
  void login_isCaseInsensitiveOnUsername() throws Exception {
    RawHttp.Response response =
        post(
            "/v1/auth/login",
            "{\"username\":\"FREE@Demo.Tonearm.Dev\",\"password\":\"demo-free\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("tier").asText()).isEqualTo("free");
  }

  @Test
  void unknownUser_getsSameResponseAsWrongPassword() throws Exception {
    RawHttp.Response unknown =
        post("/v1/auth/login", "{\"username\":\"nobody@demo.tonearm.dev\",\"password\":\"x\"}");
    RawHttp.Response wrong =
        post("/v1/auth/login", "{\"username\":\"free@demo.tonearm.dev\",\"password\":\"x\"}");

    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.text()).isEqualTo(wrong.text());
  }

  @Test
  void malformedBodies_return400WithReasonCode() throws Exception {
    Map<String, String> expectedCodes =
        Map.of(
            "{\"username\":", "INVALID_JSON",
            "", "INVALID_JSON",
            "not json", "INVALID_JSON",
            "{\"username\":\"a\",\"password\":\"b\"} trailing", "INVALID_JSON",
            "{\"username\":\"a\",\"username\":\"b\",\"password\":\"c\"}", "INVALID_JSON",
            "[1,2]", "BAD_REQUEST",
            "{\"username\":1,\"password\":\"x\"}", "BAD_REQUEST",
            "{\"username\":\"\",\"password\":\"x\"}", "BAD_REQUEST");
    for (Map.Entry<String, String> entry : expectedCodes.entrySet()) {
      RawHttp.Response response = post("/v1/auth/login", entry.getKey());

      assertThat(response.status()).as(entry.getKey()).isEqualTo(400);
      assertThat(response.json().at("/error/code").asText())
          .as(entry.getKey())
          .isEqualTo(entry.getValue());
    }
  }

  @Test
  void oversizedBody_returns413AndClosesConnection() throws Exception {
    // The server rejects the request on its declared length and closes the connection. A client
    // still sending the body would race that close into a broken pipe, so only a slice is sent.
    int declared = ReferenceServer.DEFAULT_MAX_REQUEST_BODY_BYTES + 1;
    byte[] slice = new byte[16 * 1024];
    Arrays.fill(slice, (byte) ' ');

    try (RawHttp http = connect("api")) {
      http.writeRaw(
          ("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: " + declared + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      http.writeRaw(slice);

      RawHttp.Response response = http.readResponse(false);

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(http.isClosedByServer()).isTrue();
    }
  }

  @Test
  void oversizedChunkedBody_returns413() throws Exception {
    try (RawHttp http = connect("api")) {
      http.writeRaw(
          "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("400\r\n" + " ".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      int chunks = ReferenceServer.DEFAULT_MAX_REQUEST_BODY_BYTES / 1024 + 4;
      // The server responds once the running total passes the limit, then closes. A write after
      // that point may fail, but the 413 response has already been sent.
      try {
        for (int i = 0; i < chunks; i++) {
          http.writeRaw(chunk);
        }
        http.writeRaw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } catch (java.net.SocketException closedEarly) {
        // expected when the server has already rejected the body
      }

      RawHttp.Response response = http.readResponse(false);

      assertThat(response.status()).isEqualTo(413);
    }
  }

  @Test
  void bodyAtLimit_isParsed() throws Exception {
    String json = "{\"username\":\"free@demo.tonearm.dev\",\"password\":\"demo-free\"}";
    String padded = json + " ".repeat(ReferenceServer.DEFAULT_MAX_REQUEST_BODY_BYTES - json.length());

    assertThat(post("/v1/auth/login", padded).status()).isEqualTo(200);
  }

  @Test
  void malformedRequestLine_returns400AndCloses() throws Exception {
    try (RawHttp http = connect("api")) {
      String longPath = "/" + "a".repeat(5000);
      http.writeRaw(("GET " + longPath + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

      RawHttp.Response response = http.readResponse(false);

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(http.isClosedByServer()).isTrue();
    }
  }

  @Test
  void twoRequestsOnOneApiConnection_bothAnswered() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());
    try (RawHttp http = connect("api")) {
      RawHttp.Response first = http.get("/v1/tracks", Map.of("Authorization", tokens.bearer()));
      RawHttp.Response second =
          http.get("/v1/playlists/none", Map.of("Authorization", tokens.bearer()));

      assertThat(first.status()).isEqualTo(200);
      assertThat(second.status()).isEqualTo(404);
    }
  }

  @Test
  void connectionClose_isHonoured() throws Exception {
    try (RawHttp http = connect("api")) {
      RawHttp.Response response = http.get("/v1/nothing", Map.of("Connection", "close"));

      assertThat(response.status()).isEqualTo(404);
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(http.isClosedByServer()).isTrue();
    }
  }

  @Test
  void wrongMethod_returns405WithAllow() throws Exception {
    try (RawHttp http = connect("api")) {
      RawHttp.Response response = http.send("GET", "/v1/auth/login", Map.of(), null);

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("POST");
      assertThat(response.json().at("/error/code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }
  }

  @Test
  void extraRoute_fromBuilder_isServedWithAuth(@TempDir Path otherDir) throws Exception {
    try (ReferenceServer extended =
        TestServers.builder(otherDir)
            .seedDemo(false)
            .routes(
                routes ->
                    routes.authenticated(
                        io.netty.handler.codec.http.HttpMethod.GET,
                        "/v1/whoami/{format}",
                        request ->
                            ApiResponse.ok(
                                Map.of(
                                    "accountId", request.principal().accountId(),
                                    "format", request.pathParameter("format")))))
            .build()
            .start()) {
      Tokens tokens = Tokens.free(extended.apiUrl());
      try (RawHttp http = new RawHttp(extended.apiUrl())) {
        RawHttp.Response anonymous = http.get("/v1/whoami/json", Map.of());
        RawHttp.Response signedIn =
            http.get("/v1/whoami/json", Map.of("Authorization", tokens.bearer()));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(signedIn.status()).isEqualTo(200);
        assertThat(signedIn.json().get("accountId").asText()).isEqualTo("u-free");
        assertThat(signedIn.json().get("format").asText()).isEqualTo("json");
      }
    }
  }
}
