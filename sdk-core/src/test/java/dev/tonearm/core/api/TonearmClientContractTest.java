package dev.tonearm.core.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TonearmClient} against WireMock stubs whose bodies are the JSON examples of the API
 * contract, verbatim. WireMock listens on loopback only.
 */
class TonearmClientContractTest {
  static final String LOGIN_EXAMPLE =
      "{\"accessToken\":\"...\",\"refreshToken\":\"...\",\"expiresInS\":900,"
          + "\"userId\":\"u-premium\",\"tier\":\"premium\"}";
  static final String TRACKS_EXAMPLE =
      "{\"tracks\":[{\"id\":\"t-...\",\"title\":\"...\",\"artist\":\"...\",\"album\":\"...\",\n"
          + "  \"genre\":\"...\",\"durationMs\":104463}]}";
  static final String PLAYLIST_EXAMPLE =
      "{\"id\":\"demo\",\"name\":\"Demo\",\"trackIds\":[\"t-..\",\"t-..\"]}";
  static final String MANIFEST_EXAMPLE =
      "{\n"
          + "  \"trackId\": \"t-1a2b\",\n"
          + "  \"title\": \"Apex Aleph\", \"artist\": \"Maxstack\", \"album\": \"Singularity\","
          + " \"genre\": \"Electronic\",\n"
          + "  \"durationMs\": 104463,\n"
          + "  \"loudness\": {\"integratedLufs\": -9.8, \"truePeakDbtp\": -0.4},\n"
          + "  \"edges\": [\"http://127.0.0.1:41001\", \"http://127.0.0.1:41002\"],\n"
          + "  \"renditions\": [\n"
          + "    {\n"
          + "      \"id\": \"vorbis-160\", \"codec\": \"vorbis\", \"bitrateKbps\": 160,"
          + " \"container\": \"ogg\",\n"
          + "      \"sampleRateHz\": 48000, \"channels\": 2, \"totalFrames\": 5014240,\n"
          + "      \"sizeBytes\": 1436703, \"chunkSizeBytes\": 262144,\n"
          + "      \"chunkSha256\": [\"<64 hex>\", \"...\"],\n"
          + "      \"encryption\": null,\n"
          + "      \"objectPath\": \"/objects/t-1a2b/vorbis-160\",\n"
          + "      \"seekIndex\": [{\"frame\": 0, \"byteOffset\": 0},"
          + " {\"frame\": 480000, \"byteOffset\": 140000}]\n"
          + "    }\n"
          + "  ]\n"
          + "}";

  private WireMockServer server;
  private TonearmClient client;

  @BeforeEach
  void start() {
    server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    client = TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + server.port()).build();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void login_contractExample_mapsFields() throws Exception {
    server.stubFor(post("/v1/auth/login").willReturn(json(200, LOGIN_EXAMPLE)));

    AuthTokens tokens = client.login("premium@demo.tonearm.dev", "demo-premium");

    assertThat(tokens.accessToken()).isEqualTo("...");
    assertThat(tokens.refreshToken()).isEqualTo("...");
    assertThat(tokens.expiresInS()).isEqualTo(900);
    assertThat(tokens.userId()).isEqualTo("u-premium");
    assertThat(tokens.tier()).isEqualTo("premium");
    assertThat(client.tokenStore().tokens()).isSameAs(tokens);
    server.verify(
        postRequestedFor(urlEqualTo("/v1/auth/login"))
            .withRequestBody(
                equalToJson(
                    "{\"username\":\"premium@demo.tonearm.dev\",\"password\":\"demo-premium\"}")));
  }

  @Test
  void login_rejected_failsWithAuthReason() {
    server.stubFor(
        post("/v1/auth/login")
            .willReturn(json(401, error("UNAUTHORIZED", "invalid username or password"))));

    assertThatThrownBy(() -> client.login("premium@demo.tonearm.dev", "wrong-password"))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.serverCode()).isEqualTo("UNAUTHORIZED");
              assertThat(e.getMessage()).doesNotContain("wrong-password");
            });
    assertThat(client.tokenStore().tokens()).isNull();
  }

  @Test
  void tracks_contractExample_mapsFields() throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(
        get("/v1/tracks")
            .withHeader("Authorization", equalTo("Bearer a-1"))
            .willReturn(json(200, TRACKS_EXAMPLE)));

    List<Track> tracks = client.tracks();

    assertThat(tracks).hasSize(1);
    Track track = tracks.get(0);
    assertThat(track.id()).isEqualTo("t-...");
    assertThat(track.title()).isEqualTo("...");
    assertThat(track.artist()).isEqualTo("...");
    assertThat(track.album()).isEqualTo("...");
    assertThat(track.genre()).isEqualTo("...");
    assertThat(track.durationMs()).isEqualTo(104463);
  }

  @Test
  void demoPlaylist_contractExample_mapsEveryField() throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(get("/v1/playlists/demo").willReturn(json(200, PLAYLIST_EXAMPLE)));

    Playlist playlist = client.demoPlaylist();

    assertThat(playlist.id()).isEqualTo("demo");
    assertThat(playlist.name()).isEqualTo("Demo");
    assertThat(playlist.trackIds()).containsExactly("t-..", "t-..");
  }

  @Test
  void manifest_contractExample_mapsEveryField() throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(get("/v1/tracks/t-1a2b/manifest").willReturn(json(200, MANIFEST_EXAMPLE)));

    Manifest manifest = client.manifest("t-1a2b");

    assertThat(manifest.trackId()).isEqualTo("t-1a2b");
    assertThat(manifest.title()).isEqualTo("Apex Aleph");
    assertThat(manifest.artist()).isEqualTo("Maxstack");
    assertThat(manifest.album()).isEqualTo("Singularity");
    assertThat(manifest.genre()).isEqualTo("Electronic");
    assertThat(manifest.durationMs()).isEqualTo(104463);
    assertThat(manifest.loudness().integratedLufs()).isEqualTo(-9.8);
    assertThat(manifest.loudness().truePeakDbtp()).isEqualTo(-0.4);
    assertThat(manifest.edges())
        .containsExactly("http://127.0.0.1:41001", "http://127.0.0.1:41002");
    assertThat(manifest.renditions()).hasSize(1);
    Rendition rendition = manifest.rendition("vorbis-160");
    assertThat(rendition.codec()).isEqualTo("vorbis");
    assertThat(rendition.bitrateKbps()).isEqualTo(160);
    assertThat(rendition.container()).isEqualTo("ogg");
    assertThat(rendition.sampleRateHz()).isEqualTo(48000);
    assertThat(rendition.channels()).isEqualTo(2);
    assertThat(rendition.totalFrames()).isEqualTo(5014240);
    assertThat(rendition.sizeBytes()).isEqualTo(1436703);
    assertThat(rendition.chunkSizeBytes()).isEqualTo(262144);
    assertThat(rendition.chunkCount()).isEqualTo(6);
    assertThat(rendition.chunkLengthBytes(5)).isEqualTo(1436703 - 5 * 262144);
    assertThat(rendition.chunkSha256()).containsExactly("<64 hex>", "...");
    assertThat(rendition.encryption()).isNull();
    assertThat(rendition.objectPath()).isEqualTo("/objects/t-1a2b/vorbis-160");
    assertThat(rendition.seekIndex()).hasSize(2);
    assertThat(rendition.seekIndex().get(1).frame()).isEqualTo(480000);
    assertThat(rendition.seekIndex().get(1).byteOffset()).isEqualTo(140000);
  }

  @Test
  void manifest_encryptionObject_isMapped() throws Exception {
    loginAs("a-1", "r-1");
    String encrypted =
        MANIFEST_EXAMPLE.replace(
            "\"encryption\": null", "\"encryption\": {\"scheme\":\"aes-256-ctr\",\"keyId\":\"k-1\","
                + "\"iv\":\"000102030405060708090a0b0c0d0e0f\"}");
    server.stubFor(get("/v1/tracks/t-1a2b/manifest").willReturn(json(200, encrypted)));

    Encryption encryption = client.manifest("t-1a2b").renditions().get(0).encryption();

    assertThat(encryption.scheme()).isEqualTo("aes-256-ctr");
    assertThat(encryption.keyId()).isEqualTo("k-1");
    assertThat(encryption.iv()).isEqualTo("000102030405060708090a0b0c0d0e0f");
  }

  static Stream<Arguments> errorStatuses() {
    return Stream.of(
        Arguments.of(400, "BAD_REQUEST", PlaybackException.ERROR_BAD_REQUEST),
        Arguments.of(400, "INVALID_JSON", PlaybackException.ERROR_BAD_REQUEST),
        Arguments.of(403, "FORBIDDEN", PlaybackException.ERROR_FORBIDDEN),
        Arguments.of(403, "PREMIUM_REQUIRED", PlaybackException.ERROR_FORBIDDEN),
        Arguments.of(404, "NOT_FOUND", PlaybackException.ERROR_NOT_FOUND),
        Arguments.of(405, "METHOD_NOT_ALLOWED", PlaybackException.ERROR_HTTP_STATUS),
        Arguments.of(413, "PAYLOAD_TOO_LARGE", PlaybackException.ERROR_HTTP_STATUS),
        Arguments.of(416, "RANGE_NOT_SATISFIABLE", PlaybackException.ERROR_RANGE_NOT_SATISFIABLE),
        Arguments.of(500, "INTERNAL", PlaybackException.ERROR_SERVER));
  }

  @ParameterizedTest
  @MethodSource("errorStatuses")
  void errorResponse_mapsStatusToReasonAndKeepsServerCode(
      int status, String serverCode, String reason) throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(
        get("/v1/tracks/t-x/manifest").willReturn(json(status, error(serverCode, "detail text"))));

    assertThatThrownBy(() -> client.manifest("t-x"))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.httpStatus()).isEqualTo(status);
              assertThat(e.serverCode()).isEqualTo(serverCode);
              assertThat(e.getMessage())
                  .contains("GET /v1/tracks/t-x/manifest", String.valueOf(status), "detail text");
            });
  }

  @Test
  void errorResponse_withoutJsonBody_stillMapsStatus() throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(
        get("/v1/tracks").willReturn(aResponse().withStatus(502).withBody("<html>bad gateway")));

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_SERVER);
              assertThat(e.serverCode()).isNull();
            });
  }

  static Stream<Arguments> unusableBodies() {
    return Stream.of(
        Arguments.of("not json"),
        Arguments.of("{\"tracks\": 5}"),
        Arguments.of("{}"),
        Arguments.of("{\"tracks\":[{\"title\":\"no id\"}]}"),
        Arguments.of("null"));
  }

  @ParameterizedTest
  @MethodSource("unusableBodies")
  void unusableBody_failsWithBadResponse(String body) throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(get("/v1/tracks").willReturn(json(200, body)));

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE));
  }

  @Test
  void manifestMissingDuration_failsWithBadResponse() throws Exception {
    loginAs("a-1", "r-1");
    server.stubFor(
        get("/v1/tracks/t-1a2b/manifest")
            .willReturn(json(200, MANIFEST_EXAMPLE.replace("\"durationMs\": 104463,", ""))));

    assertThatThrownBy(() -> client.manifest("t-1a2b"))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE);
              assertThat(e.getMessage()).contains("durationMs");
            });
  }

  @Test
  void oversizedBody_failsWithBadResponse() throws Exception {
    loginAs("a-1", "r-1");
    byte[] huge = new byte[(int) TonearmClient.MAX_JSON_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    server.stubFor(get("/v1/tracks").willReturn(aResponse().withStatus(200).withBody(huge)));

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE);
              assertThat(e.getMessage()).contains("exceeds");
            });
  }

  @Test
  void serverDown_failsWithNetworkReason() {
    int port = server.port();
    server.stop();
    TonearmClient offline = TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + port).build();

    assertThatThrownBy(() -> offline.login("premium@demo.tonearm.dev", "demo-premium"))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NETWORK));
  }

  @Test
  void tokens_neverInMessages() throws Exception {
    server.stubFor(
        post("/v1/auth/login")
            .willReturn(
                json(
                    200,
                    "{\"accessToken\":\"secret-access\",\"refreshToken\":\"secret-refresh\","
                        + "\"expiresInS\":\"not-a-number\"}")));

    assertThatThrownBy(() -> client.login("premium@demo.tonearm.dev", "secret-password"))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE);
              assertThat(e.toString()).doesNotContain("secret");
              assertThat(e.getCause()).isNull();
            });
    AuthTokens tokens = new AuthTokens("secret-access", "secret-refresh", 900, "u-1", "free");
    assertThat(tokens.toString()).doesNotContain("secret").contains("u-1");
    InMemoryTokenStore store = new InMemoryTokenStore();
    store.store(tokens);
    assertThat(store.toString()).doesNotContain("secret");
  }

  private void loginAs(String accessToken, String refreshToken) throws Exception {
    server.stubFor(
        post("/v1/auth/login")
            .willReturn(
                json(
                    200,
                    LOGIN_EXAMPLE
                        .replaceFirst("\"\\.\\.\\.\"", "\"" + accessToken + "\"")
                        .replaceFirst("\"\\.\\.\\.\"", "\"" + refreshToken + "\""))));
    client.login("premium@demo.tonearm.dev", "demo-premium");
    assertThat(client.tokenStore().tokens().accessToken()).isEqualTo(accessToken);
  }

  static String error(String code, String message) {
    return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }
}
