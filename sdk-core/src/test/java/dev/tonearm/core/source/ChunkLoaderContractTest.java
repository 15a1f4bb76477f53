package dev.tonearm.core.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.AuthTokens;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.testing.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of the chunk loader with CDN edges, against WireMock stubs on loopback: token refresh on
 * 401, failover on 5xx, exact range requests and {@code Content-Range} checks, and rejection of a
 * corrupted body. WireMock replaces the edges because these cases need responses that the reference
 * server never sends on its own (a wrong {@code Content-Range}, a refreshed token that is rejected
 * again).
 */
class ChunkLoaderContractTest {
  private static final int CHUNK_BYTES = 2048;
  private static final int OBJECT_BYTES = 5000;
  private static final String PATH = "/objects/t-1/vorbis-96";

  private final byte[] object = new byte[OBJECT_BYTES];
  private WireMockServer api;
  private WireMockServer edge0;
  private WireMockServer edge1;
  private TonearmClient client;
  private ExecutorService executor;
  private final List<String> failovers = new ArrayList<>();
  private final List<ChunkLoader> loaders = new ArrayList<>();

  @BeforeEach
  void start() {
    new Random(5).nextBytes(object);
    api = started();
    edge0 = started();
    edge1 = started();
    client = TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + api.port()).build();
    client.tokenStore().store(new AuthTokens("a-old", "r-old", 900, "u-premium", "premium"));
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    loaders.forEach(ChunkLoader::close);
    executor.shutdownNow();
    api.stop();
    edge0.stop();
    edge1.stop();
  }

  @Test
  void unauthorized_refreshesOnceSameEdge() throws Exception {
    stubRefresh();
    edge0.stubFor(
        get(PATH)
            .withHeader("Authorization", equalTo("Bearer a-old"))
            .willReturn(error(401, "TOKEN_EXPIRED")));
    stubChunks(edge0, "Bearer a-new");

    byte[] read = readAll(newStream(Integer.MAX_VALUE));

    assertThat(read).isEqualTo(object);
    api.verify(1, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
    assertThat(client.tokenStore().tokens().accessToken()).isEqualTo("a-new");
    assertThat(failovers).isEmpty();
    edge1.verify(0, getRequestedFor(urlEqualTo(PATH)));
  }

  @Test
  void secondUnauthorized_failsWithAuthReason() throws Exception {
    stubRefresh();
    edge0.stubFor(get(PATH).willReturn(error(401, "UNAUTHORIZED")));
    TrackStream stream = newStream(Integer.MAX_VALUE);

    assertThatThrownBy(() -> readAll(stream))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.getSuppressed()).hasSize(1);
              PlaybackException first = (PlaybackException) e.getSuppressed()[0];
              assertThat(first.httpStatus()).isEqualTo(401);
            });
    api.verify(1, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
    edge1.verify(0, getRequestedFor(urlEqualTo(PATH)));
    assertThat(failovers).isEmpty();
  }

  @Test
  void serverError_failsOverAndAvoidsFailedEdge() throws Exception {
    edge0.stubFor(get(PATH).willReturn(error(503, "SERVICE_UNAVAILABLE")));
    stubChunks(edge1, "Bearer a-old");

    byte[] read = readAll(newStream(Integer.MAX_VALUE));

    assertThat(read).isEqualTo(object);
    assertThat(failovers).containsExactly("chunk 0 ERROR_SERVER 503");
    edge0.verify(1, getRequestedFor(urlEqualTo(PATH)));
    edge1.verify(3, getRequestedFor(urlEqualTo(PATH)));
  }

  @Test
  void rangeRequests_askExactChunkBytes() throws Exception {
    stubChunks(edge0, "Bearer a-old");

    readAll(newStream(Integer.MAX_VALUE));

    edge0.verify(1, getRequestedFor(urlEqualTo(PATH)).withHeader("Range", equalTo("bytes=0-2047")));
    edge0.verify(
        1, getRequestedFor(urlEqualTo(PATH)).withHeader("Range", equalTo("bytes=2048-4095")));
    edge0.verify(
        1, getRequestedFor(urlEqualTo(PATH)).withHeader("Range", equalTo("bytes=4096-4999")));
  }

  @Test
  void wrongContentRange_failsOverWithBadResponse() throws Exception {
    edge0.stubFor(
        get(PATH)
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Range", "bytes 1-2048/" + OBJECT_BYTES)
                    .withBody(slice(0))));
    stubChunks(edge1, "Bearer a-old");

    byte[] read = readAll(newStream(Integer.MAX_VALUE));

    assertThat(read).isEqualTo(object);
    assertThat(failovers).containsExactly("chunk 0 ERROR_BAD_RESPONSE -1");
  }

  @Test
  void corruptedBody_rejectedAndRefetchedFromOtherEdge() throws Exception {
    byte[] corrupted = slice(0);
    corrupted[100] ^= (byte) 0xFF;
    edge0.stubFor(
        get(PATH)
            .withHeader("Range", equalTo("bytes=0-2047"))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Range", "bytes 0-2047/" + OBJECT_BYTES)
                    .withBody(corrupted)));
    stubChunks(edge1, "Bearer a-old");
    TrackStream stream = newStream(Integer.MAX_VALUE);

    byte[] read = readAll(stream);

    assertThat(read).isEqualTo(object);
    assertThat(failovers).containsExactly("chunk 0 ERROR_CHUNK_CORRUPT -1");
  }

  @Test
  void corruptEverywhere_failsWithEarlierSuppressed() throws Exception {
    byte[] corrupted = slice(0);
    corrupted[0] ^= (byte) 0xFF;
    for (WireMockServer edge : List.of(edge0, edge1)) {
      edge.stubFor(
          get(PATH)
              .willReturn(
                  aResponse()
                      .withStatus(206)
                      .withHeader("Content-Range", "bytes 0-2047/" + OBJECT_BYTES)
                      .withBody(corrupted)));
    }
    TrackStream stream = newStream(0);

    assertThatThrownBy(() -> readAll(stream))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_CHUNK_CORRUPT);
              assertThat(e.getSuppressed()).hasSize(1);
            });
    assertThat(stream.isChunkLoaded(0)).isFalse();
  }

  private TrackStream newStream(int maxRetries) throws Exception {
    ChunkLoader loader =
        ChunkLoader.builder()
            .setHttpClient(client.httpClient())
            .setExecutor(executor)
            .setClock(new FakeClock(0))
            .setMaxRetries(maxRetries)
            .setListener(
                new ChunkLoader.Listener() {
                  @Override
                  public void onFailover(
                      String trackId,
                      int chunkIndex,
                      String failedEdge,
                      String nextEdge,
                      PlaybackException error) {
                    synchronized (failovers) {
                      failovers.add(
                          "chunk " + chunkIndex + " " + error.reason() + " " + error.httpStatus());
                    }
                  }
                })
            .build();
    loaders.add(loader);
    Manifest manifest = manifest();
    TrackStream stream = loader.openStream(manifest, manifest.renditions().get(0));
    loader.setCurrent(stream);
    return stream;
  }

  private Manifest manifest() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = mapper.createObjectNode();
    json.put("trackId", "t-1").put("title", "T").put("artist", "A").put("album", "B");
    json.put("genre", "G").put("durationMs", 10_000);
    json.putObject("loudness").put("integratedLufs", -14.0).put("truePeakDbtp", -1.0);
    ArrayNode edges = json.putArray("edges");
    edges.add("http://127.0.0.1:" + edge0.port());
    edges.add("http://127.0.0.1:" + edge1.port());
    ObjectNode rendition = json.putArray("renditions").addObject();
    rendition.put("id", "vorbis-96").put("codec", "vorbis").put("bitrateKbps", 96);
    rendition.put("container", "ogg").put("sampleRateHz", 48000).put("channels", 2);
    rendition.put("totalFrames", 480000).put("sizeBytes", OBJECT_BYTES);
    rendition.put("chunkSizeBytes", CHUNK_BYTES);
    ArrayNode digests = rendition.putArray("chunkSha256");
    for (int i = 0; i * CHUNK_BYTES < OBJECT_BYTES; i++) {
      digests.add(ChunkDigest.sha256Hex(slice(i)));
    }
    rendition.putNull("encryption");
    rendition.put("objectPath", PATH);
    rendition.putArray("seekIndex").addObject().put("frame", 0).put("byteOffset", 0);
    return mapper.treeToValue(json, Manifest.class);
  }

  private void stubChunks(WireMockServer edge, String authorization) {
    for (int i = 0; i * CHUNK_BYTES < OBJECT_BYTES; i++) {
      int start = i * CHUNK_BYTES;
      int end = Math.min(start + CHUNK_BYTES, OBJECT_BYTES) - 1;
      edge.stubFor(
          get(PATH)
              .withHeader("Authorization", equalTo(authorization))
              .withHeader("Range", equalTo("bytes=" + start + "-" + end))
              .willReturn(
                  aResponse()
                      .withStatus(206)
                      .withHeader(
                          "Content-Range", "bytes " + start + "-" + end + "/" + OBJECT_BYTES)
                      .withBody(slice(i))));
    }
  }

  private void stubRefresh() {
    api.stubFor(
        post("/v1/auth/refresh")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"accessToken\":\"a-new\",\"refreshToken\":\"r-new\",\"expiresInS\":900,"
                            + "\"userId\":\"u-premium\",\"tier\":\"premium\"}")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(
      int status, String code) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"" + code + "\",\"message\":\"stub\"}}");
  }

  private byte[] slice(int chunk) {
    int start = chunk * CHUNK_BYTES;
    int end = Math.min(start + CHUNK_BYTES, OBJECT_BYTES);
    byte[] part = new byte[end - start];
    System.arraycopy(object, start, part, 0, part.length);
    return part;
  }

  private static byte[] readAll(TrackStream stream) throws IOException {
    ByteSource source = stream.source();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[1000];
    int count;
    while ((count = source.read(buffer, 0, buffer.length)) > 0) {
      all.write(buffer, 0, count);
    }
    return all.toByteArray();
  }

  private static WireMockServer started() {
    WireMockServer server =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    return server;
  }
}
