package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.catalog.Loudness;
import dev.tonearm.server.catalog.Track;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recommendation routes over real sockets, on a server whose catalog contains twelve tracks by six
 * artists (catalog records without audio, which the recommender does not read): input checks, cold
 * start, feedback and per-account state.
 */
@ExtendWith(NoLeaks.class)
class RecommendationRoutesTest {
  private static final String[] GENRES = {"Rock", "Pop", "Jazz"};

  @TempDir Path tempDir;
  private ReferenceServer server;
  private Tokens premium;
  private Tokens free;

  @BeforeEach
  void startServer() throws Exception {
    server =
        TestServers.builder(tempDir)
            .seedDemo(false)
            .recommendationRandom(new Random(17))
            .build()
            .start();
    for (int i = 0; i < 12; i++) {
      server
          .catalog()
          .saveTrack(
              new Track(
                  "t-" + i,
                  "Song " + i,
                  "Artist " + (i / 2),
                  "Album",
                  GENRES[i % 3],
                  120_000 + 10_000 * i,
                  new Loudness(-20 + i, -1),
                  List.of(),
                  "wav",
                  "song-" + i + ".wav",
                  List.of(),
                  0));
    }
    premium = Tokens.premium(server.apiUrl());
    free = Tokens.free(server.apiUrl());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private RawHttp.Response send(String method, String path, Tokens caller, String body)
      throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    if (caller != null) {
      headers.put("Authorization", caller.bearer());
    }
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.send(
          method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String errorCode(RawHttp.Response response) throws Exception {
    return response.json().path("error").path("code").asText();
  }

  private RawHttp.Response feedback(Tokens caller, String trackId, String event) throws Exception {
    return send(
        "POST",
        "/v1/recommendations/feedback",
        caller,
        "{\"trackId\":\"" + trackId + "\",\"event\":\"" + event + "\"}");
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.path("items").forEach(item -> ids.add(item.path("trackId").asText()));
    return ids;
  }

  private static JsonNode item(JsonNode body, String trackId) {
    for (JsonNode item : body.path("items")) {
      if (item.path("trackId").asText().equals(trackId)) {
        return item;
      }
    }
    return null;
  }

  @Test
  void recommendations_withoutToken_areUnauthorized() throws Exception {
    RawHttp.Response response = send("GET", "/v1/recommendations", null, null);

    assertThat(response.status()).isEqualTo(401);
    assertThat(errorCode(response)).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void recommendations_newAccount_returnsDefaultLimitOfDiscoveries() throws Exception {
    RawHttp.Response response = send("GET", "/v1/recommendations", premium, null);

    JsonNode body = response.json();
    assertThat(response.status()).isEqualTo(200);
    assertThat(body.path("items")).hasSize(10);
    assertThat(body.path("relaxed")).isEmpty();
    for (JsonNode item : body.path("items")) {
      assertThat(item.path("source").asText()).isEqualTo("DISCOVERY");
      assertThat(item.path("explanation").asText()).isEqualTo("something new");
      assertThat(item.path("discovery").asBoolean()).isTrue();
      assertThat(item.path("score").asDouble()).isBetween(0.0, 1.0);
      assertThat(item.path("title").asText()).startsWith("Song ");
    }
  }

  @Test
  void recommendations_limitThree_returnsThreeDistinctArtists() throws Exception {
    RawHttp.Response response = send("GET", "/v1/recommendations?limit=3", premium, null);

    JsonNode body = response.json();
    assertThat(response.status()).isEqualTo(200);
    assertThat(body.path("items")).hasSize(3);
    assertThat(ids(body)).doesNotHaveDuplicates();
  }

  @Test
  void recommendations_invalidLimit_isBadRequest() throws Exception {
    for (String query :
        List.of(
            "limit=0",
            "limit=101",
            "limit=-3",
            "limit=ten",
            "limit=",
            "limit=2&limit=3",
            "limit=99999999999")) {
      RawHttp.Response response = send("GET", "/v1/recommendations?" + query, premium, null);

      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(errorCode(response)).as(query).isEqualTo("BAD_REQUEST");
      assertThat(response.json().path("error").path("message").asText())
          .as(query)
          .contains("limit");
    }
  }

  @Test
  void feedback_play_endsDiscoveryPerAccount() throws Exception {
    for (int i = 0; i < 12; i++) {
      assertThat(feedback(premium, "t-" + i, "PLAY").status()).isEqualTo(204);
    }
    assertThat(feedback(premium, "t-3", "SAVE").status()).isEqualTo(204);

    JsonNode premiumList = send("GET", "/v1/recommendations?limit=5", premium, null).json();
    JsonNode freeList = send("GET", "/v1/recommendations?limit=12", free, null).json();

    assertThat(premiumList.path("items")).hasSize(5);
    for (JsonNode item : premiumList.path("items")) {
      assertThat(item.path("discovery").asBoolean()).isFalse();
      assertThat(item.path("source").asText()).isEqualTo("POPULARITY");
    }
    assertThat(premiumList.path("relaxed").toString()).contains("DISCOVERY_SHARE");
    assertThat(item(freeList, "t-3")).isNotNull();
    assertThat(item(freeList, "t-3").path("discovery").asBoolean()).isTrue();
    assertThat(item(freeList, "t-3").path("explanation").asText()).isEqualTo("popular now");
  }

  @Test
  void feedback_coListen_explainsByPlayedTrack() throws Exception {
    feedback(free, "t-0", "PLAY");
    feedback(free, "t-7", "PLAY");
    feedback(premium, "t-0", "PLAY");

    JsonNode body = send("GET", "/v1/recommendations?limit=11", premium, null).json();

    JsonNode coListened = item(body, "t-7");
    assertThat(coListened).isNotNull();
    assertThat(coListened.path("source").asText()).isEqualTo("COLLABORATIVE");
    assertThat(coListened.path("explanation").asText()).isEqualTo("because you played Song 0");
  }

  @Test
  void feedback_invalidBodies_areRejectedWithCodes() throws Exception {
    Map<String, String> expectedCodes = new LinkedHashMap<>();
    expectedCodes.put("{\"event\":\"PLAY\"}", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":\"t-1\"}", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":\"t-1\",\"event\":\"play\"}", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":\"t-1\",\"event\":\"LIKE\"}", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":7,\"event\":\"PLAY\"}", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":\"\",\"event\":\"PLAY\"}", "BAD_REQUEST");
    expectedCodes.put("[\"t-1\",\"PLAY\"]", "BAD_REQUEST");
    expectedCodes.put("{\"trackId\":\"t-1\",", "INVALID_JSON");
    expectedCodes.put("", "INVALID_JSON");
    for (Map.Entry<String, String> entry : expectedCodes.entrySet()) {
      RawHttp.Response response =
          send("POST", "/v1/recommendations/feedback", premium, entry.getKey());

      assertThat(response.status()).as(entry.getKey()).isEqualTo(400);
      assertThat(errorCode(response)).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void feedback_unknownTrack_isNotFound() throws Exception {
    RawHttp.Response response = feedback(premium, "t-missing", "PLAY");

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("NOT_FOUND");
    assertThat(response.json().path("error").path("message").asText()).contains("t-missing");
  }

  @Test
  void feedback_withoutToken_isUnauthorized() throws Exception {
    RawHttp.Response response =
        send(
            "POST",
            "/v1/recommendations/feedback",
            null,
            "{\"trackId\":\"t-1\",\"event\":\"PLAY\"}");

    assertThat(response.status()).isEqualTo(401);
    assertThat(errorCode(response)).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void recommendations_wrongMethod_isMethodNotAllowed() throws Exception {
    RawHttp.Response response = send("DELETE", "/v1/recommendations", premium, null);

    assertThat(response.status()).isEqualTo(405);
    assertThat(errorCode(response)).isEqualTo("METHOD_NOT_ALLOWED");
  }
}
