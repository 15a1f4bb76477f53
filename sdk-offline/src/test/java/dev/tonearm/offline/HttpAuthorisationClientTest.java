package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against a loopback stub that responds with the offline routes' documented JSON,
 * checking what the client sends and how it reads responses and errors.
 */
class HttpAuthorisationClientTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, String[]> responses = new ConcurrentHashMap<>();
  private final List<String[]> requests = Collections.synchronizedList(new ArrayList<>());
  private final HttpServer stub;
  private final OkHttpClient http = new OkHttpClient();
  private final HttpAuthorisationClient client;

  HttpAuthorisationClientTest() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = readAll(in);
          }
          String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
          requests.add(
              new String[] {
                key,
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(body, StandardCharsets.UTF_8)
              });
          String[] response = responses.getOrDefault(key, new String[] {"404", ""});
          byte[] out = response[1].getBytes(StandardCharsets.UTF_8);
          int status = Integer.parseInt(response[0]);
          exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(out);
          }
        });
    stub.start();
    client =
        new HttpAuthorisationClient(
            http, "http://127.0.0.1:" + stub.getAddress().getPort(), "d-phone", () -> "tok-1");
  }

  @AfterEach
  void tearDown() {
    stub.stop(0);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private void respond(String route, int status, String json) {
    responses.put(route, new String[] {Integer.toString(status), json});
  }

  private JsonNode lastBody() throws IOException {
    return mapper.readTree(requests.get(requests.size() - 1)[2]);
  }

  @Test
  void authorise_trackIds_postsToDeviceDownloadsAndParsesObjects() throws IOException {
    respond(
        "POST /v1/offline/devices/d-phone/downloads",
        200,
        "{\"objects\":[{\"trackId\":\"t-1\",\"renditionId\":\"vorbis-160\",\"keyId\":\"k-1\","
            + "\"urls\":[\"http://127.0.0.1:41001/objects/t-1/vorbis-160\"],\"sizeBytes\":5000,"
            + "\"chunkSizeBytes\":4096,\"chunkSha256\":[\"aa\",\"bb\"]}],"
            + "\"heldTracks\":7,\"maxTracks\":10000}");

    DownloadGrant grant = client.authorise(Arrays.asList("t-1"));

    assertThat(requests.get(0)[0]).isEqualTo("POST /v1/offline/devices/d-phone/downloads");
    assertThat(requests.get(0)[1]).isEqualTo("Bearer tok-1");
    assertThat(lastBody().path("trackIds").get(0).asText()).isEqualTo("t-1");
    GrantedObject object = grant.objects().get(0);
    assertThat(object.trackId()).isEqualTo("t-1");
    assertThat(object.keyId()).isEqualTo("k-1");
    assertThat(object.urls()).containsExactly("http://127.0.0.1:41001/objects/t-1/vorbis-160");
    assertThat(object.sizeBytes()).isEqualTo(5000);
    assertThat(object.chunkSizeBytes()).isEqualTo(4096);
    assertThat(object.chunkSha256()).containsExactly("aa", "bb");
    assertThat(grant.heldTracks()).isEqualTo(7);
    assertThat(grant.maxTracks()).isEqualTo(10_000);
  }

  @Test
  void authorise_fetchingManifests_attachesEachTracksManifest() throws IOException {
    respond(
        "POST /v1/offline/devices/d-phone/downloads",
        200,
        "{\"objects\":[{\"trackId\":\"t-1\",\"renditionId\":\"vorbis-160\",\"keyId\":\"k-1\","
            + "\"urls\":[\"http://127.0.0.1:41001/objects/t-1/vorbis-160\"],\"sizeBytes\":5000,"
            + "\"chunkSizeBytes\":4096,\"chunkSha256\":[\"aa\",\"bb\"]}],"
            + "\"heldTracks\":1,\"maxTracks\":10000}");
    respond("GET /v1/tracks/t-1/manifest", 200, "{\"trackId\":\"t-1\",\"durationMs\":1000}");
    HttpAuthorisationClient fetching =
        new HttpAuthorisationClient(
            http, "http://127.0.0.1:" + stub.getAddress().getPort(), "d-phone", () -> "tok-1",
            true);

    DownloadGrant grant = fetching.authorise(Arrays.asList("t-1"));

    assertThat(requests.get(1)[0]).isEqualTo("GET /v1/tracks/t-1/manifest");
    assertThat(requests.get(1)[1]).isEqualTo("Bearer tok-1");
    JsonNode manifest = mapper.readTree(grant.objects().get(0).manifest());
    assertThat(manifest.path("trackId").asText()).isEqualTo("t-1");
    assertThat(manifest.path("durationMs").asLong()).isEqualTo(1000);
  }

  @Test
  void authorise_manifestMissing_failsWithServerCode() {
    respond(
        "POST /v1/offline/devices/d-phone/downloads",
        200,
        "{\"objects\":[{\"trackId\":\"t-1\",\"renditionId\":\"vorbis-160\",\"keyId\":\"k-1\","
            + "\"urls\":[\"http://127.0.0.1:41001/objects/t-1/vorbis-160\"],\"sizeBytes\":5000,"
            + "\"chunkSizeBytes\":4096,\"chunkSha256\":[\"aa\",\"bb\"]}],"
            + "\"heldTracks\":1,\"maxTracks\":10000}");
    respond(
        "GET /v1/tracks/t-1/manifest",
        404,
        "{\"error\":{\"code\":\"TRACK_NOT_FOUND\",\"message\":\"no track t-1\"}}");
    HttpAuthorisationClient fetching =
        new HttpAuthorisationClient(
            http, "http://127.0.0.1:" + stub.getAddress().getPort(), "d-phone", () -> "tok-1",
            true);

    assertThatThrownBy(() -> fetching.authorise(Arrays.asList("t-1")))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.TRACK_NOT_FOUND);
  }

  @Test
  void requestKeysAndRefresh_parseKeysLicenceAndDropped() throws IOException {
    String wrapped = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    String keyResponse =
        "{\"keys\":[{\"trackId\":\"t-1\",\"keyId\":\"k-1\",\"wrappedKey\":\""
            + wrapped
            + "\"}],\"licence\":{\"checkedAtMs\":1000,\"expiresAtMs\":2592001000},"
            + "\"droppedTrackIds\":[\"t-9\"]}";
    respond("POST /v1/offline/devices/d-phone/keys", 200, keyResponse);
    respond("POST /v1/offline/devices/d-phone/refresh", 200, keyResponse);

    KeyGrant keys = client.requestKeys(Arrays.asList("t-1"));
    JsonNode keysBody = lastBody();
    KeyGrant refreshed = client.refresh(Arrays.asList("t-1", "t-9"));
    JsonNode refreshBody = lastBody();

    assertThat(keysBody.path("trackIds").size()).isEqualTo(1);
    assertThat(refreshBody.path("heldTrackIds").size()).isEqualTo(2);
    assertThat(keys.keys().get(0).wrappedKey()).containsExactly(1, 2, 3);
    assertThat(keys.terms()).isEqualTo(new LicenceTerms(1000, 2_592_001_000L));
    assertThat(refreshed.droppedTrackIds()).containsExactly("t-9");
  }

  @Test
  void devices_registerListAndDeauthorise_useTheDeviceRoutes() throws IOException {
    String device =
        "{\"deviceId\":\"d-phone\",\"displayName\":\"Phone\",\"registeredAtMs\":5,"
            + "\"lastOnlineCheckMs\":null,\"licenceExpiresAtMs\":null,\"heldTracks\":0}";
    respond("POST /v1/offline/devices", 201, "{\"device\":" + device + ",\"maxDevices\":5}");
    respond("GET /v1/offline/devices", 200, "{\"devices\":[" + device + "],\"maxDevices\":5}");
    respond("DELETE /v1/offline/devices/d-old", 204, "");
    respond("POST /v1/offline/devices/d-phone/releases", 200, "{\"heldTracks\":0}");

    OfflineDevice registered = client.registerDevice("Phone");
    JsonNode registerBody = lastBody();
    List<OfflineDevice> listed = client.listDevices();
    client.deauthoriseDevice("d-old");
    client.release(Arrays.asList("t-1"));

    assertThat(registerBody.path("deviceId").asText()).isEqualTo("d-phone");
    assertThat(registerBody.path("displayName").asText()).isEqualTo("Phone");
    assertThat(registered.displayName()).isEqualTo("Phone");
    assertThat(listed).extracting(OfflineDevice::deviceId).containsExactly("d-phone");
    assertThat(requests.get(2)[0]).isEqualTo("DELETE /v1/offline/devices/d-old");
    assertThat(requests.get(3)[0]).isEqualTo("POST /v1/offline/devices/d-phone/releases");
  }

  @Test
  void errors_jsonCodes_mapToReasonsAndOthersToStatus() {
    respond(
        "POST /v1/offline/devices/d-phone/downloads",
        409,
        "{\"error\":{\"code\":\"TRACK_LIMIT\",\"message\":\"This device can hold up to 10000"
            + " downloads.\"}}");
    respond(
        "POST /v1/offline/devices/d-phone/keys",
        503,
        "{\"error\":{\"code\":\"KEY_UNAVAILABLE\",\"message\":\"Try again later.\"}}");
    respond("POST /v1/offline/devices/d-phone/refresh", 502, "<html>bad gateway</html>");
    respond("POST /v1/offline/devices/d-phone/releases", 200, "{\"heldTracks\":");

    assertThatThrownBy(() -> client.authorise(Arrays.asList("t-1")))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("up to 10000")
        .satisfies(
            e -> {
              OfflineException error = (OfflineException) e;
              assertThat(error.reason()).isEqualTo(OfflineException.Reason.TRACK_LIMIT);
              assertThat(error.isTransient()).isFalse();
            });
    assertThatThrownBy(() -> client.requestKeys(Arrays.asList("t-1")))
        .isInstanceOf(OfflineException.class)
        .satisfies(e -> assertThat(((OfflineException) e).isTransient()).isTrue());
    assertThatThrownBy(() -> client.refresh(Arrays.asList("t-1")))
        .isInstanceOf(HttpStatusException.class)
        .satisfies(e -> assertThat(((HttpStatusException) e).statusCode()).isEqualTo(502));
    assertThatThrownBy(() -> client.release(Arrays.asList("t-1")))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(OfflineException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void errors_unknownCode_isTransientServerError() {
    respond(
        "POST /v1/offline/devices/d-phone/keys",
        400,
        "{\"error\":{\"code\":\"SOMETHING_NEW\",\"message\":\"new rule\"}}");

    assertThatThrownBy(() -> client.requestKeys(Arrays.asList("t-1")))
        .isInstanceOf(OfflineException.class)
        .satisfies(
            e -> {
              OfflineException error = (OfflineException) e;
              assertThat(error.reason()).isEqualTo(OfflineException.Reason.SERVER_ERROR);
              assertThat(error.isTransient()).isTrue();
            });
  }

  @Test
  void keys_malformedResponse_failsWithIoException() {
    respond(
        "POST /v1/offline/devices/d-phone/keys",
        200,
        "{\"keys\":[{\"trackId\":\"t-1\",\"keyId\":\"k-1\",\"wrappedKey\":\"***\"}],"
            + "\"licence\":{\"checkedAtMs\":1,\"expiresAtMs\":2}}");

    assertThatThrownBy(() -> client.requestKeys(Arrays.asList("t-1")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not base64");
  }

  @Test
  void constructor_invalidArguments_areRejected() {
    assertThatThrownBy(() -> new HttpAuthorisationClient(http, "not a url", "d", () -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a url");
    assertThatThrownBy(
            () -> new HttpAuthorisationClient(http, "http://127.0.0.1:1", "", () -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deviceId");
  }
}
