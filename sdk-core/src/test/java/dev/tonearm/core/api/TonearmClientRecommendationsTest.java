package dev.tonearm.core.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tonearm.core.api.TonearmClientContractTest.LOGIN_EXAMPLE;
import static dev.tonearm.core.api.TonearmClientContractTest.error;
import static dev.tonearm.core.api.TonearmClientContractTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TonearmClient#recommendations}, {@link TonearmClient#sendFeedback} and {@link
 * TonearmClient#suggest} against WireMock stubs whose bodies are the examples of the API contract.
 * WireMock listens on loopback only.
 */
class TonearmClientRecommendationsTest {
  /**
   * The {@code GET /v1/recommendations?limit=2} example of the API document, without its {@code
   * "..."} placeholder for the second item, which is not JSON of an item.
   */
  static final String RECOMMENDATIONS_EXAMPLE =
      "{\n"
          + "  \"items\": [\n"
          + "    {\n"
          + "      \"trackId\": \"t-<id>\",\n"
          + "      \"title\": \"<title>\",\n"
          + "      \"artist\": \"Maxstack\",\n"
          + "      \"genre\": \"Electronic\",\n"
          + "      \"source\": \"DISCOVERY\",\n"
          + "      \"explanation\": \"something new\",\n"
          + "      \"score\": 0.42,\n"
          + "      \"discovery\": true\n"
          + "    }\n"
          + "  ],\n"
          + "  \"relaxed\": [\"GENRE_SHARE\"]\n"
          + "}";

  /** The {@code GET /v1/search/suggest} example of the API document. */
  static final String SUGGEST_EXAMPLE =
      "{\"query\": \"Maxstack aw\", \"suggestions\": [{\"text\": \"maxstack awakening\","
          + " \"term\": \"awakening\"}]}";

  private WireMockServer server;
  private TonearmClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    client = TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + server.port()).build();
    server.stubFor(post("/v1/auth/login").willReturn(json(200, LOGIN_EXAMPLE)));
    client.login("premium@demo.tonearm.dev", "demo-premium");
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void recommendations_contractExample_mapsEveryField() throws Exception {
    server.stubFor(
        get(urlPathEqualTo("/v1/recommendations"))
            .willReturn(json(200, RECOMMENDATIONS_EXAMPLE)));

    Recommendations list = client.recommendations(2);

    assertThat(list.items()).hasSize(1);
    Recommendation item = list.items().get(0);
    assertThat(item.trackId()).isEqualTo("t-<id>");
    assertThat(item.title()).isEqualTo("<title>");
    assertThat(item.artist()).isEqualTo("Maxstack");
    assertThat(item.genre()).isEqualTo("Electronic");
    assertThat(item.source()).isEqualTo("DISCOVERY");
    assertThat(item.explanation()).isEqualTo("something new");
    assertThat(item.score()).isEqualTo(0.42);
    assertThat(item.discovery()).isTrue();
    assertThat(list.relaxed()).containsExactly("GENRE_SHARE");
  }

  @Test
  void recommendations_limit_isSentAsQuery() throws Exception {
    server.stubFor(
        get(urlPathEqualTo("/v1/recommendations"))
            .willReturn(json(200, RECOMMENDATIONS_EXAMPLE)));

    client.recommendations(2);

    server.verify(
        getRequestedFor(urlPathEqualTo("/v1/recommendations"))
            .withQueryParam("limit", equalTo("2"))
            .withHeader("Authorization", equalTo("Bearer ...")));
  }

  @Test
  void recommendations_missingArrays_readAsEmpty() throws Exception {
    server.stubFor(get(urlPathEqualTo("/v1/recommendations")).willReturn(json(200, "{}")));

    Recommendations list = client.recommendations(10);

    assertThat(list.items()).isEmpty();
    assertThat(list.relaxed()).isEmpty();
  }

  @Test
  void recommendations_itemWithoutTrackId_failsWithBadResponse() {
    server.stubFor(
        get(urlPathEqualTo("/v1/recommendations"))
            .willReturn(
                json(200, "{\"items\":[{\"source\":\"DISCOVERY\",\"explanation\":\"x\"}]}")));

    assertThatThrownBy(() -> client.recommendations(10))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE));
  }

  @Test
  void recommendations_limitOutOfRange_failsWithBadRequest() {
    server.stubFor(
        get(urlPathEqualTo("/v1/recommendations"))
            .willReturn(json(400, error("BAD_REQUEST", "limit must be in [1, 100]: 0"))));

    assertThatThrownBy(() -> client.recommendations(0))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_REQUEST);
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.serverCode()).isEqualTo("BAD_REQUEST");
            });
  }

  @Test
  void sendFeedback_contractExample_postsBodyAndAccepts204() throws Exception {
    server.stubFor(
        post("/v1/recommendations/feedback").willReturn(aResponse().withStatus(204)));

    client.sendFeedback("t-c9d9bdd0c399", FeedbackEvent.PLAY);

    server.verify(
        postRequestedFor(urlPathEqualTo("/v1/recommendations/feedback"))
            .withHeader("Authorization", equalTo("Bearer ..."))
            .withRequestBody(
                equalToJson("{\"trackId\": \"t-c9d9bdd0c399\", \"event\": \"PLAY\"}")));
  }

  @Test
  void sendFeedback_unknownTrack_failsWithNotFound() {
    server.stubFor(
        post("/v1/recommendations/feedback")
            .willReturn(json(404, error("NOT_FOUND", "no track t-000000000000"))));

    assertThatThrownBy(() -> client.sendFeedback("t-000000000000", FeedbackEvent.SKIP))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NOT_FOUND);
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.serverCode()).isEqualTo("NOT_FOUND");
            });
  }

  @Test
  void sendFeedback_unreachableServer_failsWithNetwork() {
    server.stop();

    assertThatThrownBy(() -> client.sendFeedback("t-c9d9bdd0c399", FeedbackEvent.PLAY))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NETWORK));
  }

  @Test
  void suggest_contractExample_mapsEveryField() throws Exception {
    server.stubFor(get(urlPathEqualTo("/v1/search/suggest")).willReturn(json(200, SUGGEST_EXAMPLE)));

    SearchSuggestions result = client.suggest("Maxstack aw", 5);

    assertThat(result.query()).isEqualTo("Maxstack aw");
    assertThat(result.suggestions()).hasSize(1);
    assertThat(result.suggestions().get(0).text()).isEqualTo("maxstack awakening");
    assertThat(result.suggestions().get(0).term()).isEqualTo("awakening");
    server.verify(
        getRequestedFor(urlPathEqualTo("/v1/search/suggest"))
            .withQueryParam("q", equalTo("Maxstack aw"))
            .withQueryParam("limit", equalTo("5")));
  }

  @Test
  void suggest_rejectedQuery_failsWithBadRequest() {
    server.stubFor(
        get(urlPathEqualTo("/v1/search/suggest"))
            .willReturn(json(400, error("BAD_REQUEST", "missing parameter 'q'"))));

    assertThatThrownBy(() -> client.suggest("", 5))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_REQUEST));
  }
}
