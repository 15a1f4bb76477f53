package dev.tonearm.core.api;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tonearm.core.api.TonearmClientContractTest.LOGIN_EXAMPLE;
import static dev.tonearm.core.api.TonearmClientContractTest.error;
import static dev.tonearm.core.api.TonearmClientContractTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TonearmClient#search} against WireMock stubs whose bodies are the search examples of the
 * API contract, verbatim. WireMock listens on loopback only.
 */
class TonearmClientSearchTest {
  /** The typo example of {@code GET /v1/search} in the API document. */
  static final String SEARCH_EXAMPLE =
      "{\n"
          + "  \"query\": \"maxstak\",\n"
          + "  \"total\": 2,\n"
          + "  \"offset\": 0,\n"
          + "  \"limit\": 10,\n"
          + "  \"results\": [\n"
          + "    {\"type\": \"artist\", \"id\": \"ar-<id>\", \"name\": \"Maxstack\","
          + " \"trackCount\": 2, \"score\": 1.2},\n"
          + "    {\n"
          + "      \"type\": \"album\",\n"
          + "      \"id\": \"al-<id>\",\n"
          + "      \"title\": \"Endgame: Singularity Original Soundtrack\",\n"
          + "      \"artist\": \"Maxstack\",\n"
          + "      \"trackCount\": 2,\n"
          + "      \"score\": 0.8\n"
          + "    }\n"
          + "  ]\n"
          + "}";

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
  void search_contractExample_mapsEveryField() throws Exception {
    server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(json(200, SEARCH_EXAMPLE)));

    SearchResults page = client.search("maxstak", Arrays.asList("artist", "album"), 10, 0);

    assertThat(page.query()).isEqualTo("maxstak");
    assertThat(page.total()).isEqualTo(2);
    assertThat(page.offset()).isZero();
    assertThat(page.limit()).isEqualTo(10);
    assertThat(page.results()).hasSize(2);
    SearchResultItem artist = page.results().get(0);
    assertThat(artist.type()).isEqualTo("artist");
    assertThat(artist.id()).isEqualTo("ar-<id>");
    assertThat(artist.name()).isEqualTo("Maxstack");
    assertThat(artist.title()).isNull();
    assertThat(artist.trackCount()).isEqualTo(2);
    assertThat(artist.score()).isEqualTo(1.2);
    SearchResultItem album = page.results().get(1);
    assertThat(album.type()).isEqualTo("album");
    assertThat(album.title()).isEqualTo("Endgame: Singularity Original Soundtrack");
    assertThat(album.artist()).isEqualTo("Maxstack");
    assertThat(album.album()).isNull();
    assertThat(album.name()).isNull();
  }

  @Test
  void search_parameters_areSentAsQuery() throws Exception {
    server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(json(200, SEARCH_EXAMPLE)));

    client.search("Café noir", Arrays.asList("track", "album"), 20, 40);

    server.verify(
        getRequestedFor(urlPathEqualTo("/v1/search"))
            .withQueryParam("q", equalTo("Café noir"))
            .withQueryParam("types", equalTo("track,album"))
            .withQueryParam("limit", equalTo("20"))
            .withQueryParam("offset", equalTo("40"))
            .withHeader("Authorization", equalTo("Bearer ...")));
  }

  @Test
  void search_noTypes_leavesTypesOut() throws Exception {
    server.stubFor(get(urlPathEqualTo("/v1/search")).willReturn(json(200, SEARCH_EXAMPLE)));

    client.search("maxstak", Collections.<String>emptyList(), 10, 0);

    server.verify(
        getRequestedFor(urlPathEqualTo("/v1/search")).withoutQueryParam("types"));
  }

  @Test
  void search_rejectedParameter_failsWithBadRequest() {
    server.stubFor(
        get(urlPathEqualTo("/v1/search"))
            .willReturn(json(400, error("BAD_REQUEST", "unknown type 'song' in 'types'"))));

    assertThatThrownBy(() -> client.search("maxstack", Arrays.asList("song"), 10, 0))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_REQUEST);
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.serverCode()).isEqualTo("BAD_REQUEST");
            });
  }
}
