package dev.tonearm.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each fault kind alone, injected by the real edges into real socket responses and observed by a
 * raw socket client. Time checks are lower bounds only: a fault must hold bytes back at least as
 * long as its rule sets, however slow the machine is.
 */
@ExtendWith(NoLeaks.class)
class FaultInjectionTest {
  static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  private static final String TRACK = "t-c9d9bdd0c399";
  private static final String OBJECT = TRACK + "/vorbis-96";
  private static final String PATH = "/objects/" + OBJECT;
  private static final int TIMEOUT_MS = 10_000;

  @TempDir static Path tempDir;
  private static ReferenceServer server;
  private static Tokens premium;
  private static byte[] objectBytes;

  @BeforeAll
  static void startServer() throws Exception {
    Path data = TestServers.seededDataDir(tempDir.resolve("data"));
    server = TestServers.builder(data).faultInjection(ADMIN_TOKEN).build().start();
    premium = Tokens.premium(server.apiUrl());
    String fileName =
        server.catalog().track(TRACK).orElseThrow().renditions().stream()
            .filter(rendition -> rendition.id().equals("vorbis-96"))
            .findFirst()
            .orElseThrow()
            .fileName();
    objectBytes = Files.readAllBytes(data.resolve("objects/" + TRACK + "/" + fileName));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void clearFaults() {
    server.faultInjector().clear();
  }

  private static FaultRule addRule(String json) throws IOException {
    return server.faultInjector().addRule(Json.MAPPER.readTree(json));
  }

  private static BodyProbe.Result get(int edge, String range, int timeoutMs) throws IOException {
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization", premium.bearer());
    if (range != null) {
      headers.put("Range", range);
    }
    return BodyProbe.get(server.edgeUrls().get(edge), PATH, headers, timeoutMs);
  }

  @Test
  void latency_delaysHeadOnMatchingEdgeOnly() throws Exception {
    addRule("{\"kind\":\"latency\",\"edge\":\"edge-0\",\"latencyMs\":400}");

    BodyProbe.Result delayed = get(0, "bytes=0-999", TIMEOUT_MS);
    BodyProbe.Result other = get(1, "bytes=0-999", TIMEOUT_MS);

    assertThat(delayed.status()).isEqualTo(206);
    assertThat(delayed.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, 1000));
    assertThat(TimeUnit.NANOSECONDS.toMillis(delayed.headNanos() - delayed.startNanos()))
        .isGreaterThanOrEqualTo(400);
    assertThat(other.status()).isEqualTo(206);
    assertThat(server.faultInjector().injectedCounts().get("edge-0").get("latency")).isEqualTo(1);
    assertThat(server.faultInjector().injectedCounts().get("edge-1").get("latency")).isEqualTo(0);
  }

  @Test
  void stall_withDuration_holdsBodyThenCompletes() throws Exception {
    addRule(
        "{\"kind\":\"stall\",\"object\":\"t-*/vorbis-96\",\"afterBytes\":1000,"
            + "\"durationMs\":700}");

    BodyProbe.Result result = get(0, "bytes=0-49999", TIMEOUT_MS);

    assertThat(result.end()).isEqualTo(BodyProbe.End.COMPLETE);
    assertThat(result.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, 50_000));
    long[] gap = result.longestGapNanosAndOffset();
    assertThat(gap[1]).as("offset of the stall").isEqualTo(1000);
    // The client times the gap between two reads, which can start a little after the last byte
    // before the stall left the server, so the bound sits below the 700 ms stall. Without the
    // stall the gap is a few milliseconds.
    assertThat(TimeUnit.NANOSECONDS.toMillis(gap[0])).isGreaterThanOrEqualTo(500);
  }

  @Test
  void stall_withoutDuration_holdsUntilClientGivesUp() throws Exception {
    addRule("{\"kind\":\"stall\",\"afterBytes\":1000}");

    BodyProbe.Result result = get(0, "bytes=0-49999", 1_000);

    assertThat(result.status()).isEqualTo(206);
    assertThat(result.end()).isEqualTo(BodyProbe.End.TIMEOUT);
    assertThat(result.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, 1000));
  }

  @Test
  void reset_beforeHead_resetsConnection() throws Exception {
    addRule("{\"kind\":\"reset\"}");

    BodyProbe.Result result = get(0, "bytes=0-999", TIMEOUT_MS);

    assertThat(result.status()).isEqualTo(-1);
    assertThat(result.end()).isEqualTo(BodyProbe.End.ERROR);
    assertThat(result.error()).isInstanceOf(SocketException.class);
    assertThat(result.error()).hasMessageContaining("reset");
  }

  @Test
  void reset_afterBytes_cutsBodyShort() throws Exception {
    addRule("{\"kind\":\"reset\",\"afterBytes\":5000}");

    BodyProbe.Result result = get(0, "bytes=0-99999", TIMEOUT_MS);

    assertThat(result.status()).isEqualTo(206);
    assertThat(result.end()).isIn(BodyProbe.End.ERROR, BodyProbe.End.END_OF_STREAM);
    assertThat(result.body().length).isLessThanOrEqualTo(5000);
    assertThat(result.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, result.body().length));
  }

  @Test
  void corrupt_flipsBodyBytesButNotCache() throws Exception {
    addRule("{\"kind\":\"corrupt\",\"edge\":\"edge-0\",\"offsets\":[0,10,2000],\"count\":1}");

    BodyProbe.Result corrupted = get(0, "bytes=1000-4999", TIMEOUT_MS);
    BodyProbe.Result again = get(0, "bytes=1000-4999", TIMEOUT_MS);

    byte[] expected = Arrays.copyOfRange(objectBytes, 1000, 5000);
    byte[] flipped = expected.clone();
    for (int offset : new int[] {0, 10, 2000}) {
      flipped[offset] ^= (byte) 0xFF;
    }
    assertThat(corrupted.end()).isEqualTo(BodyProbe.End.COMPLETE);
    assertThat(corrupted.body()).isEqualTo(flipped);
    assertThat(again.body()).as("count 1 used up, cache intact").isEqualTo(expected);
    assertThat(server.faultInjector().rules()).isEmpty();
  }

  @Test
  void truncate_endsBodyAndClosesConnection() throws Exception {
    addRule("{\"kind\":\"truncate\",\"afterBytes\":3000}");

    BodyProbe.Result result = get(0, "bytes=0-99999", TIMEOUT_MS);

    assertThat(result.status()).isEqualTo(206);
    assertThat(result.header("Content-Length")).isEqualTo("100000");
    assertThat(result.end()).isEqualTo(BodyProbe.End.END_OF_STREAM);
    assertThat(result.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, 3000));
  }

  @Test
  void status_answersWithServerError() throws Exception {
    addRule("{\"kind\":\"status\",\"edge\":\"edge-1\",\"status\":503}");

    BodyProbe.Result failed = get(1, "bytes=0-999", TIMEOUT_MS);
    BodyProbe.Result served = get(0, "bytes=0-999", TIMEOUT_MS);

    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.header("X-Tonearm-Edge")).isEqualTo("edge-1");
    JsonNode error = Json.MAPPER.readTree(failed.body());
    assertThat(error.path("error").path("code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
    assertThat(served.status()).isEqualTo(206);
  }

  @Test
  void unauthorized_rejectsGivenTokenOnly() throws Exception {
    Tokens other = Tokens.premium(server.apiUrl());
    addRule("{\"kind\":\"unauthorized\",\"token\":\"" + premium.accessToken() + "\"}");

    BodyProbe.Result rejected = get(0, "bytes=0-999", TIMEOUT_MS);
    BodyProbe.Result accepted =
        BodyProbe.get(
            server.edgeUrls().get(0),
            PATH,
            Map.of("Authorization", other.bearer(), "Range", "bytes=0-999"),
            TIMEOUT_MS);

    assertThat(rejected.status()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(rejected.body()).path("error").path("code").asText())
        .isEqualTo("TOKEN_EXPIRED");
    assertThat(rejected.header("WWW-Authenticate")).contains("invalid_token");
    assertThat(accepted.status()).isEqualTo(206);
    assertThat(server.faultInjector().rules().get(0).tokenSha256())
        .doesNotContain(premium.accessToken())
        .hasSize(64);
  }

  @Test
  void throttle_capsThroughput() throws Exception {
    addRule("{\"kind\":\"throttle\",\"bytesPerS\":100000}");

    BodyProbe.Result result = get(0, "bytes=0-59999", TIMEOUT_MS);

    assertThat(result.end()).isEqualTo(BodyProbe.End.COMPLETE);
    assertThat(result.body()).isEqualTo(Arrays.copyOfRange(objectBytes, 0, 60_000));
    long bodyMs =
        TimeUnit.NANOSECONDS.toMillis(result.readTimesNanos()[59_999] - result.readTimesNanos()[0]);
    // The first 5000-byte slice goes at once; the other 55000 bytes need at least 550 ms.
    assertThat(bodyMs).isGreaterThanOrEqualTo(500);
  }

  @Test
  void schedule_sameSeed_repeatsSameFaults() throws Exception {
    String schedule =
        "{\"seed\":7,\"probabilities\":{\"status\":0.3,\"corrupt\":0.3,\"truncate\":0.3}}";
    List<String> first = runScheduled(schedule);
    server.faultInjector().clear();
    List<String> second = runScheduled(schedule);

    assertThat(second).isEqualTo(first);
    assertThat(first).anyMatch(outcome -> outcome.startsWith("503"));
    assertThat(first).anyMatch(outcome -> outcome.startsWith("206 COMPLETE intact"));
    assertThat(first).anyMatch(outcome -> outcome.startsWith("206 COMPLETE corrupt"));
    assertThat(first).anyMatch(outcome -> outcome.contains("END_OF_STREAM"));
  }

  @Test
  void schedule_unauthorized_neverRejectsFreshToken() throws Exception {
    server
        .faultInjector()
        .setSchedule(Json.MAPPER.readTree("{\"seed\":3,\"probabilities\":{\"unauthorized\":1}}"));
    Tokens fresh = Tokens.premium(server.apiUrl());
    Map<String, String> headers = Map.of("Authorization", fresh.bearer(), "Range", "bytes=0-9");

    BodyProbe.Result firstUse = BodyProbe.get(server.edgeUrls().get(0), PATH, headers, TIMEOUT_MS);
    BodyProbe.Result secondUse = BodyProbe.get(server.edgeUrls().get(1), PATH, headers, TIMEOUT_MS);

    assertThat(firstUse.status()).isEqualTo(206);
    assertThat(secondUse.status()).isEqualTo(401);
  }

  private List<String> runScheduled(String schedule) throws IOException {
    server.faultInjector().setSchedule(Json.MAPPER.readTree(schedule));
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      int start = (i % 6) * 10_000;
      BodyProbe.Result result = get(i % 2, "bytes=" + start + "-" + (start + 9_999), TIMEOUT_MS);
      String integrity =
          Arrays.equals(
                  result.body(),
                  Arrays.copyOfRange(objectBytes, start, start + result.body().length))
              ? "intact"
              : "corrupt";
      outcomes.add(
          result.status() + " " + result.end() + " " + integrity + " " + result.body().length);
    }
    return outcomes;
  }
}
