package dev.tonearm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request targets with invalid percent-escapes, body decoding, JSON parser limits and {@code HEAD}
 * on API routes, over raw sockets to a real server without the demo catalog.
 */
@ExtendWith(NoLeaks.class)
class RequestParsingTest {
  private static final Map<String, String> JSON_TYPE = Map.of("Content-Type", "application/json");

  @TempDir Path tempDir;
  private ReferenceServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServers.builder(tempDir).seedDemo(false).build().start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void apiBadPercentEscape_returns400AndServesNextRequest() throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      http.writeRequest("GET", "/v1/playlists/%ZZ", Map.of(), null);
      http.writeRequest("GET", "/v1/tracks", Map.of(), null);

      RawHttp.Response rejected = http.readResponse(false);
      RawHttp.Response next = http.readResponse(false);

      assertThat(rejected.status()).isEqualTo(400);
      assertThat(rejected.json().at("/error/code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(rejected.json().at("/error/message").asText()).contains("percent-escape");
      assertThat(next.status()).isEqualTo(401);
    }
  }

  @Test
  void apiBadPercentEscapeInQuery_returns400() throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response response = http.get("/v1/search?q=%E", Map.of());

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void edgeBadPercentEscape_returns400WithEdgeHeader() throws Exception {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(0))) {
      http.writeRequest("GET", "/objects/%ZZ/x", Map.of(), null);
      http.writeRequest("GET", "/objects/t-000000000000/x", Map.of(), null);

      RawHttp.Response rejected = http.readResponse(false);
      RawHttp.Response next = http.readResponse(false);

      assertThat(rejected.status()).isEqualTo(400);
      assertThat(rejected.json().at("/error/code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(rejected.header("X-Tonearm-Edge")).isEqualTo("edge-0");
      assertThat(next.status()).isEqualTo(401);
    }
  }

  @Test
  void utf16Body_isRejectedAsInvalidJson() throws Exception {
    String login =
        "{\"username\":\""
            + ReferenceServer.DEMO_FREE_USERNAME
            + "\",\"password\":\""
            + ReferenceServer.DEMO_FREE_PASSWORD
            + "\"}";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0xff);
    body.write(0xfe);
    body.write(login.getBytes(StandardCharsets.UTF_16LE));

    RawHttp.Response response = post("/v1/auth/login", body.toByteArray());

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
    assertThat(response.json().at("/error/message").asText()).contains("UTF-8");
  }

  @Test
  void deepNesting_getsPlainMessage() throws Exception {
    String json = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

    RawHttp.Response response = post("/v1/auth/login", json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
    String message = response.json().at("/error/message").asText();
    assertThat(message).containsPattern("JSON nesting deeper than \\d+ levels");
    assertThat(message).doesNotContain("StreamReadConstraints").doesNotContain("()");
  }

  @Test
  void longNumber_getsPlainMessage() throws Exception {
    String json = "{\"a\":" + "9".repeat(5000) + "}";

    RawHttp.Response response = post("/v1/auth/login", json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
    String message = response.json().at("/error/message").asText();
    assertThat(message).contains("number too long");
    assertThat(message).doesNotContain("StreamReadConstraints").doesNotContain("()");
  }

  @Test
  void nonStandardToken_messageNamesNoJacksonFeature() throws Exception {
    RawHttp.Response response =
        post("/v1/auth/login", "{\"a\":NaN}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.json().at("/error/code").asText()).isEqualTo("INVALID_JSON");
    String message = response.json().at("/error/message").asText();
    assertThat(message).contains("NaN");
    assertThat(message).doesNotContain("`").doesNotContain("JsonReadFeature");
  }

  @Test
  void headOnGetRoute_returnsGetHeadersWithoutBody() throws Exception {
    Tokens tokens = Tokens.premium(server.apiUrl());
    Map<String, String> auth = Map.of("Authorization", tokens.bearer());
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response get = http.get("/v1/tracks", auth);
      // The HEAD response must carry no body, or the pipelined GET after it would not parse.
      http.writeRequest("HEAD", "/v1/tracks", auth, null);
      http.writeRequest("GET", "/v1/tracks", auth, null);

      RawHttp.Response head = http.readResponse(true);
      RawHttp.Response after = http.readResponse(false);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
      assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.body()).isEqualTo(get.body());
    }
  }

  @Test
  void headWithoutToken_returns401LikeGet() throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response response = http.send("HEAD", "/v1/tracks", Map.of(), null);

      assertThat(response.status()).isEqualTo(401);
    }
  }

  @Test
  void headOnPostOnlyRoute_returns405() throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response response = http.send("HEAD", "/v1/auth/login", Map.of(), null);

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("POST");
    }
  }

  @Test
  void deleteOnGetRoute_allowListsHead() throws Exception {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response response = http.send("DELETE", "/v1/tracks", Map.of(), null);

      assertThat(response.status()).isEqualTo(405);
      assertThat(response.header("Allow")).contains("GET").contains("HEAD");
    }
  }

  private RawHttp.Response post(String path, byte[] body) throws IOException {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.send("POST", path, JSON_TYPE, body);
    }
  }
}
