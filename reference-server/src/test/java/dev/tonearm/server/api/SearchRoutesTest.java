package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.search.CatalogIndexer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The search routes on a real server over the demo catalog, through loopback HTTP. */
@ExtendWith(NoLeaks.class)
class SearchRoutesTest {
  private static final String APEX_ALEPH = "t-c9d9bdd0c399";
  private static final String AWAKENING = "t-72efe1d6386e";

  @TempDir Path tempDir;
  private ReferenceServer server;
  private String authorization;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServers.startSeeded(tempDir);
    authorization = Tokens.premium(server.apiUrl()).bearer();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private RawHttp.Response get(String pathAndQuery) throws IOException {
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      return http.get(pathAndQuery, Map.of("Authorization", authorization));
    }
  }

  private JsonNode getJson(String pathAndQuery) throws IOException {
    RawHttp.Response response = get(pathAndQuery);
    assertThat(response.status()).as(pathAndQuery + ": " + response.text()).isEqualTo(200);
    return response.json();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static List<String> field(JsonNode array, String name) {
    List<String> values = new ArrayList<>();
    array.forEach(element -> values.add(element.path(name).asText()));
    return values;
  }

  @Test
  void search_exactTitle_returnsTrackFirst() throws Exception {
    JsonNode body = getJson("/v1/search?q=" + encode("Apex Aleph"));

    assertThat(body.get("query").asText()).isEqualTo("Apex Aleph");
    assertThat(body.get("results").get(0).get("type").asText()).isEqualTo("track");
    assertThat(body.get("results").get(0).get("id").asText()).isEqualTo(APEX_ALEPH);
    assertThat(body.get("results").get(0).get("artist").asText()).isEqualTo("Maxstack");
    assertThat(body.get("offset").asInt()).isZero();
    assertThat(body.get("limit").asInt()).isEqualTo(SearchRoutes.DEFAULT_SEARCH_LIMIT);
  }

  @Test
  void search_typoInArtist_returnsArtistThenTracks() throws Exception {
    JsonNode results = getJson("/v1/search?q=maxstak").get("results");

    assertThat(results.get(0).get("type").asText()).isEqualTo("artist");
    assertThat(results.get(0).get("name").asText()).isEqualTo("Maxstack");
    assertThat(results.get(0).get("trackCount").asInt()).isEqualTo(2);
    assertThat(results.get(0).get("id").asText()).isEqualTo(CatalogIndexer.artistId("Maxstack"));
    assertThat(field(results, "id")).contains(APEX_ALEPH, AWAKENING);
  }

  @Test
  void search_typeFilter_returnsOnlyThoseTypes() throws Exception {
    JsonNode albums = getJson("/v1/search?q=endgame&types=album").get("results");
    JsonNode playlists = getJson("/v1/search?q=demo&types=playlist,track").get("results");

    assertThat(field(albums, "type")).containsExactly("album");
    assertThat(albums.get(0).get("title").asText())
        .isEqualTo("Endgame: Singularity Original Soundtrack");
    assertThat(field(playlists, "type")).containsExactly("playlist");
    assertThat(field(playlists, "id")).containsExactly("demo");
  }

  @Test
  void search_limitAndOffset_pageResults() throws Exception {
    JsonNode all = getJson("/v1/search?q=maxstack&types=track");
    JsonNode second = getJson("/v1/search?q=maxstack&types=track&limit=1&offset=1");

    assertThat(all.get("total").asInt()).isEqualTo(2);
    assertThat(second.get("total").asInt()).isEqualTo(2);
    assertThat(field(second.get("results"), "id"))
        .containsExactly(all.get("results").get(1).get("id").asText());
  }

  @Test
  void suggest_unfinishedTerm_completesIt() throws Exception {
    JsonNode body = getJson("/v1/search/suggest?q=" + encode("maxstack awa"));

    assertThat(field(body.get("suggestions"), "text")).containsExactly("maxstack awakening");
    assertThat(field(body.get("suggestions"), "term")).containsExactly("awakening");
  }

  @Test
  void search_afterIngest_findsNewTrackDespiteCache() throws Exception {
    assertThat(getJson("/v1/search?q=zanzibar").get("total").asInt()).isZero();
    getJson("/v1/search?q=zanzibar");
    long hitsBefore = server.searchIndex().hitCount();
    assertThat(hitsBefore).isEqualTo(1);

    Path wav = writeSilentWav(tempDir.resolve("zanzibar.wav"));
    server.ingest().ingest(wav, Map.of("TITLE", "Zanzibar Nights", "ARTIST", "Test Band"));
    JsonNode results = getJson("/v1/search?q=zanzibar").get("results");

    assertThat(field(results, "title")).containsExactly("Zanzibar Nights");
    assertThat(server.searchIndex().hitCount()).isEqualTo(hitsBefore);
  }

  @Test
  void search_afterPlaylistSave_findsRenamedPlaylist() throws Exception {
    server.catalog().savePlaylist(new Playlist("demo", "Road Trip Mix", List.of()));

    JsonNode results = getJson("/v1/search?q=" + encode("road trip") + "&types=playlist")
        .get("results");

    assertThat(field(results, "name")).containsExactly("Road Trip Mix");
    assertThat(getJson("/v1/search?q=demo&types=playlist").get("total").asInt()).isZero();
  }

  @Test
  void search_invalidParameters_return400() throws Exception {
    String longQuery = "a".repeat(SearchRoutes.MAX_QUERY_LENGTH + 1);
    List<String> invalid =
        List.of(
            "/v1/search",
            "/v1/search?q=",
            "/v1/search?q=" + encode("?!-"),
            "/v1/search?q=" + longQuery,
            "/v1/search?q=a&q=b",
            "/v1/search?q=apex&types=song",
            "/v1/search?q=apex&types=",
            "/v1/search?q=apex&types=track,,album",
            "/v1/search?q=apex&types=Track",
            "/v1/search?q=apex&limit=0",
            "/v1/search?q=apex&limit=51",
            "/v1/search?q=apex&limit=ten",
            "/v1/search?q=apex&limit=99999999999",
            "/v1/search?q=apex&offset=-1",
            "/v1/search?q=apex&offset=1001",
            "/v1/search?q=apex&page=2",
            "/v1/search/suggest",
            "/v1/search/suggest?q=",
            "/v1/search/suggest?q=" + longQuery,
            "/v1/search/suggest?q=apex&limit=21",
            "/v1/search/suggest?q=apex&limit=0",
            "/v1/search/suggest?q=apex&types=track");
    for (String request : invalid) {
      RawHttp.Response response = get(request);

      assertThat(response.status()).as(request).isEqualTo(400);
      assertThat(response.json().get("error").get("code").asText())
          .as(request)
          .isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void search_maximumQueryLength_isAccepted() throws Exception {
    String query = "apex ".repeat(SearchRoutes.MAX_QUERY_LENGTH / 5);
    assertThat(query).hasSize(SearchRoutes.MAX_QUERY_LENGTH);

    JsonNode body = getJson("/v1/search?q=" + encode(query) + "&limit=50&offset=1000");

    assertThat(body.get("results")).isEmpty();
    assertThat(body.get("total").asInt()).isPositive();
  }

  @Test
  void search_withoutToken_returns401() throws Exception {
    for (String path : List.of("/v1/search?q=apex", "/v1/search/suggest?q=ap")) {
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        RawHttp.Response response = http.get(path, Map.of());

        assertThat(response.status()).as(path).isEqualTo(401);
      }
    }
  }

  /** Writes one second of 16-bit mono silence at 44.1 kHz as a WAV file. */
  private static Path writeSilentWav(Path file) throws IOException {
    int rateHz = 44_100;
    int dataBytes = rateHz * 2;
    ByteBuffer wav = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    wav.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    wav.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    wav.putShort((short) 1).putShort((short) 1).putInt(rateHz).putInt(rateHz * 2);
    wav.putShort((short) 2).putShort((short) 16);
    wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    return Files.write(file, wav.array());
  }
}
