package dev.tonearm.server.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.StoredObjects;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Range handling, keep-alive, chunk digests and caching of the edges, over real sockets. */
@ExtendWith(NoLeaks.class)
class EdgeServingTest {
  private static final String TRACK = "t-c9d9bdd0c399";
  private static final String OBJECT = "/objects/" + TRACK + "/vorbis-96";

  @TempDir static Path tempDir;
  private static ReferenceServer server;
  private static Tokens premium;
  private static byte[] objectBytes;
  private static byte[] plainBytes;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServers.startSeeded(tempDir);
    premium = Tokens.premium(server.apiUrl());
    objectBytes =
        Files.readAllBytes(tempDir.resolve("data/objects/" + TRACK + "/vorbis-96.ogg.enc"));
    plainBytes = StoredObjects.plaintext(server, tempDir.resolve("data"), TRACK, "vorbis-96");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private RawHttp.Response get(int edge, String range) throws IOException {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(edge))) {
      return http.get(OBJECT, headers(range));
    }
  }

  private static Map<String, String> headers(String range) {
    return range == null
        ? Map.of("Authorization", premium.bearer())
        : Map.of("Authorization", premium.bearer(), "Range", range);
  }

  @Test
  void noRange_returnsWholeObjectWithEtag() throws Exception {
    RawHttp.Response response = get(0, null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(objectBytes);
    assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(objectBytes.length));
    assertThat(response.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(response.header("ETag")).isEqualTo("\"" + sha256(objectBytes) + "\"");
    assertThat(response.header("X-Tonearm-Edge")).isEqualTo("edge-0");
    assertThat(response.header("Content-Range")).isNull();
  }

  @Test
  void firstByte_returns206WithOneByte() throws Exception {
    RawHttp.Response response = get(1, "bytes=0-0");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).containsExactly(objectBytes[0]);
    assertThat(response.header("Content-Range")).isEqualTo("bytes 0-0/" + objectBytes.length);
    assertThat(response.header("Content-Length")).isEqualTo("1");
    assertThat(response.header("X-Tonearm-Edge")).isEqualTo("edge-1");
  }

  @Test
  void lastByte_returns206WithLastByte() throws Exception {
    int last = objectBytes.length - 1;

    RawHttp.Response response = get(0, "bytes=" + last + "-" + last);

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).containsExactly(objectBytes[last]);
    assertThat(response.header("Content-Range"))
        .isEqualTo("bytes " + last + "-" + last + "/" + objectBytes.length);
  }

  @Test
  void suffixRange_returnsLastBytes() throws Exception {
    RawHttp.Response response = get(0, "bytes=-300000");

    int start = objectBytes.length - 300000;
    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body())
        .isEqualTo(Arrays.copyOfRange(objectBytes, start, objectBytes.length));
    assertThat(response.header("Content-Range"))
        .isEqualTo("bytes " + start + "-" + (objectBytes.length - 1) + "/" + objectBytes.length);
  }

  @Test
  void suffixLongerThanObject_returnsWholeObjectAs206() throws Exception {
    RawHttp.Response response = get(0, "bytes=-99999999");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(objectBytes);
  }

  @Test
  void rangeAcrossChunkBoundary_returnsExactBytes() throws Exception {
    int from = 262_144 - 10;
    int to = 2 * 262_144 + 9;

    RawHttp.Response response = get(0, "bytes=" + from + "-" + to);

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(objectBytes, from, to + 1));
  }

  @Test
  void openEndedRange_endsAtLastByte() throws Exception {
    RawHttp.Response response = get(0, "bytes=1000000-");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.body())
        .isEqualTo(Arrays.copyOfRange(objectBytes, 1_000_000, objectBytes.length));
  }

  @Test
  void rangeStartingAtSize_returns416WithSize() throws Exception {
    RawHttp.Response response = get(0, "bytes=" + objectBytes.length + "-");

    assertThat(response.status()).isEqualTo(416);
    assertThat(response.header("Content-Range")).isEqualTo("bytes */" + objectBytes.length);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("RANGE_NOT_SATISFIABLE");
  }

  @Test
  void zeroLengthSuffix_returns416() throws Exception {
    assertThat(get(0, "bytes=-0").status()).isEqualTo(416);
  }

  @Test
  void malformedRanges_areIgnored() throws Exception {
    for (String range : List.of("bytes=5-2", "bytes=x-", "items=0-1", "bytes=", "bytes=--1")) {
      RawHttp.Response response = get(0, range);

      assertThat(response.status()).as(range).isEqualTo(200);
      assertThat(response.body()).as(range).hasSize(objectBytes.length);
    }
  }

  @Test
  void multipleRanges_returnWholeObject() throws Exception {
    RawHttp.Response response = get(0, "bytes=0-1,5-6");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(objectBytes);
  }

  @Test
  void ifRangeWithOtherEtag_returnsWholeObject() throws Exception {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(0))) {
      RawHttp.Response stale =
          http.get(
              OBJECT,
              Map.of("Authorization", premium.bearer(), "Range", "bytes=0-0", "If-Range", "\"x\""));
      RawHttp.Response current =
          http.get(
              OBJECT,
              Map.of(
                  "Authorization",
                  premium.bearer(),
                  "Range",
                  "bytes=0-0",
                  "If-Range",
                  "\"" + sha256(objectBytes) + "\""));

      assertThat(stale.status()).isEqualTo(200);
      assertThat(current.status()).isEqualTo(206);
    }
  }

  @Test
  void head_returnsHeadersWithoutBody() throws Exception {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(0))) {
      RawHttp.Response head = http.send("HEAD", OBJECT, headers("bytes=0-99"), null);
      RawHttp.Response after = http.get(OBJECT, headers("bytes=0-0"));

      assertThat(head.status()).isEqualTo(206);
      assertThat(head.header("Content-Length")).isEqualTo("100");
      assertThat(head.header("Content-Range")).isEqualTo("bytes 0-99/" + objectBytes.length);
      // The next response on the connection starts right after the head: no body was sent.
      assertThat(after.status()).isEqualTo(206);
      assertThat(after.body()).containsExactly(objectBytes[0]);
    }
  }

  @Test
  void twoRequestsOnOneConnection_bothAnswered() throws Exception {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(0))) {
      RawHttp.Response first = http.get(OBJECT, headers("bytes=0-9"));
      RawHttp.Response second = http.get(OBJECT, headers("bytes=10-19"));

      assertThat(first.status()).isEqualTo(206);
      assertThat(first.header("Connection")).isNull();
      assertThat(second.status()).isEqualTo(206);
      assertThat(second.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 10, 20));
    }
  }

  @Test
  void pipelinedRequests_answeredInOrder() throws Exception {
    try (RawHttp http = new RawHttp(server.edgeUrls().get(1))) {
      for (int i = 0; i < 5; i++) {
        http.writeRequest("GET", OBJECT, headers("bytes=" + i * 100_000 + "-" + (i * 100_000 + 4)), null);
      }
      for (int i = 0; i < 5; i++) {
        RawHttp.Response response = http.readResponse(false);

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.body())
            .isEqualTo(Arrays.copyOfRange(objectBytes, i * 100_000, i * 100_000 + 5));
      }
    }
  }

  @Test
  void servedChunks_matchManifestDigests() throws Exception {
    JsonNode manifest;
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      manifest =
          http.get("/v1/tracks/" + TRACK + "/manifest", Map.of("Authorization", premium.bearer()))
              .json();
    }
    for (JsonNode rendition : manifest.get("renditions")) {
      long size = rendition.get("sizeBytes").asLong();
      int chunkSize = rendition.get("chunkSizeBytes").asInt();
      JsonNode digests = rendition.get("chunkSha256");
      assertThat(digests.size()).isEqualTo((int) ((size + chunkSize - 1) / chunkSize));
      for (int i = 0; i < digests.size(); i++) {
        long end = Math.min((long) (i + 1) * chunkSize, size) - 1;
        String url = manifest.get("edges").get(i % 2).asText();
        try (RawHttp http = new RawHttp(url)) {
          RawHttp.Response chunk =
              http.get(
                  rendition.get("objectPath").asText(),
                  headers("bytes=" + (long) i * chunkSize + "-" + end));

          assertThat(chunk.status()).isEqualTo(206);
          assertThat(sha256(chunk.body()))
              .as("chunk %d of %s", i, rendition.get("id").asText())
              .isEqualTo(digests.get(i).asText());
        }
      }
    }
  }

  @Test
  void seekIndex_pointsAtOggPages() throws Exception {
    JsonNode manifest;
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      manifest =
          http.get("/v1/tracks/" + TRACK + "/manifest", Map.of("Authorization", premium.bearer()))
              .json();
    }
    JsonNode rendition = manifest.get("renditions").get(1);
    JsonNode seekIndex = rendition.get("seekIndex");
    long rate = rendition.get("sampleRateHz").asLong();

    assertThat(seekIndex.size()).isEqualTo((int) ((rendition.get("totalFrames").asLong() - 1) / (rate * 10) + 1));
    for (int i = 0; i < seekIndex.size(); i++) {
      JsonNode point = seekIndex.get(i);
      int offset = point.get("byteOffset").asInt();
      assertThat(point.get("frame").asLong()).isEqualTo(i * rate * 10);
      assertThat(new String(plainBytes, offset, 4, java.nio.charset.StandardCharsets.US_ASCII))
          .as("plaintext bytes at seek point %d", i)
          .isEqualTo("OggS");
    }
  }

  @Test
  void concurrentMissesOnFreshServer_readOriginOncePerChunk(@TempDir Path freshDir)
      throws Exception {
    try (ReferenceServer fresh =
        TestServers.builder(TestServers.seededDataDir(freshDir)).build().start()) {
      Tokens tokens = Tokens.premium(fresh.apiUrl());
      int clients = 8;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch ready = new CountDownLatch(clients);
      List<Future<byte[]>> bodies = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) {
          String edge = fresh.edgeUrls().get(i % 2);
          bodies.add(
              pool.submit(
                  () -> {
                    try (RawHttp http = new RawHttp(edge)) {
                      ready.countDown();
                      ready.await();
                      return http.get(OBJECT, Map.of("Authorization", tokens.bearer())).body();
                    }
                  }));
        }
        for (Future<byte[]> body : bodies) {
          assertThat(body.get()).isEqualTo(objectBytes);
        }
      } finally {
        pool.shutdownNow();
      }
      int chunks = (objectBytes.length + 262_143) / 262_144;

      assertThat(fresh.shield().originReads()).isEqualTo(chunks);
      assertThat(fresh.edges().get(0).stats().misses()).isEqualTo(chunks);
      assertThat(fresh.edges().get(1).stats().misses()).isEqualTo(chunks);
    }
  }

  @Test
  void freeAccount_seesOnlyFreeRenditions() throws Exception {
    Tokens free = Tokens.free(server.apiUrl());
    JsonNode manifest;
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      manifest =
          http.get("/v1/tracks/" + TRACK + "/manifest", Map.of("Authorization", free.bearer()))
              .json();
    }
    List<String> ids = new ArrayList<>();
    manifest.get("renditions").forEach(rendition -> ids.add(rendition.get("id").asText()));

    assertThat(ids).containsExactly("vorbis-24", "vorbis-96", "vorbis-160");
    try (RawHttp http = new RawHttp(server.edgeUrls().get(0))) {
      RawHttp.Response allowed =
          http.get(
              "/objects/" + TRACK + "/vorbis-160",
              Map.of("Authorization", free.bearer(), "Range", "bytes=0-3"));
      RawHttp.Response premiumOnly =
          http.get(
              "/objects/" + TRACK + "/vorbis-320",
              Map.of("Authorization", free.bearer(), "Range", "bytes=0-3"));

      assertThat(allowed.status()).isEqualTo(206);
      assertThat(allowed.body()).hasSize(4);
      assertThat(premiumOnly.status()).isEqualTo(403);
      assertThat(premiumOnly.json().at("/error/code").asText()).isEqualTo("PREMIUM_REQUIRED");
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
