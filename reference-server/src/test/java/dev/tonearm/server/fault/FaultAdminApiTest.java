package dev.tonearm.server.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.RawHttp;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Access rules and input checks of the fault admin API. */
class FaultAdminApiTest {
  private static final String ADMIN_TOKEN = "admin-api-test-token-0123";

  @TempDir Path tempDir;

  @Test
  void adminRoutes_faultInjectionDisabled_notFound() throws Exception {
    try (ReferenceServer server =
        TestServers.builder(tempDir.resolve("data")).seedDemo(false).build().start()) {
      RawHttp.Response response;
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        response = http.get("/v1/admin/faults", Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
      }

      assertThat(response.status()).isEqualTo(404);
      assertThatThrownBy(server::faultInjector).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void adminRoutes_missingToken_unauthorized() throws Exception {
    try (ReferenceServer server =
        TestServers.builder(tempDir.resolve("data"))
            .seedDemo(false)
            .faultInjection(ADMIN_TOKEN)
            .build()
            .start()) {
      RawHttp.Response missing;
      RawHttp.Response wrong;
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        missing =
            http.send(
                "POST",
                "/v1/admin/faults",
                Map.of("Content-Type", "application/json"),
                "{\"kind\":\"reset\"}".getBytes(StandardCharsets.UTF_8));
        wrong =
            http.get("/v1/admin/faults", Map.of("Authorization", "Bearer " + ADMIN_TOKEN + "x"));
      }

      assertThat(missing.status()).isEqualTo(401);
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(server.faultInjector().rules()).isEmpty();
    }
  }

  @Test
  void builder_shortAdminToken_rejected() {
    assertThatThrownBy(() -> ReferenceServer.builder().faultInjection("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"kind\":\"slow\"}",
        "{\"kind\":\"latency\"}",
        "{\"kind\":\"latency\",\"latencyMs\":0}",
        "{\"kind\":\"latency\",\"latencyMs\":600001}",
        "{\"kind\":\"latency\",\"latencyMs\":\"100\"}",
        "{\"kind\":\"latency\",\"latencyMs\":100,\"afterBytes\":5}",
        "{\"kind\":\"stall\",\"afterBytes\":-1}",
        "{\"kind\":\"truncate\"}",
        "{\"kind\":\"corrupt\",\"offsets\":[]}",
        "{\"kind\":\"corrupt\",\"offsets\":[-3]}",
        "{\"kind\":\"status\",\"status\":501}",
        "{\"kind\":\"unauthorized\"}",
        "{\"kind\":\"throttle\",\"bytesPerS\":0}",
        "{\"kind\":\"reset\",\"count\":0}",
        "{\"kind\":\"reset\",\"edge\":\"\"}"
      })
  void addRule_invalidBody_badRequest(String body) throws Exception {
    FaultInjector injector = new FaultInjector(List.of("edge-0"));

    assertThatThrownBy(() -> injector.addRule(Json.MAPPER.readTree(body)))
        .isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(injector.rules()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"probabilities\":{}}",
        "{\"seed\":1}",
        "{\"seed\":1,\"probabilities\":{\"stall\":1.5}}",
        "{\"seed\":1,\"probabilities\":{\"slow\":0.5}}",
        "{\"seed\":1,\"probabilities\":{},\"status\":404}",
        "{\"seed\":1,\"probabilities\":{},\"extra\":1}"
      })
  void setSchedule_invalidBody_badRequest(String body) throws Exception {
    FaultInjector injector = new FaultInjector(List.of("edge-0"));

    assertThatThrownBy(() -> injector.setSchedule(Json.MAPPER.readTree(body)))
        .isInstanceOf(ApiException.class)
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(injector.schedule()).isEmpty();
  }

  @Test
  void addRule_beyondLimit_badRequest() throws Exception {
    FaultInjector injector = new FaultInjector(List.of("edge-0"));
    for (int i = 0; i < FaultInjector.MAX_RULES; i++) {
      injector.addRule(Json.MAPPER.readTree("{\"kind\":\"latency\",\"latencyMs\":1}"));
    }

    assertThatThrownBy(
            () -> injector.addRule(Json.MAPPER.readTree("{\"kind\":\"latency\",\"latencyMs\":1}")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining(Integer.toString(FaultInjector.MAX_RULES));
    assertThat(injector.rules()).hasSize(FaultInjector.MAX_RULES);
  }

  @Test
  void glob_matchesStarsAndQuestionMarks() {
    assertThat(Glob.of("*").matches("t-1/vorbis-96")).isTrue();
    assertThat(Glob.of("t-*/vorbis-96").matches("t-1/vorbis-96")).isTrue();
    assertThat(Glob.of("t-*/vorbis-96").matches("t-1/vorbis-960")).isFalse();
    assertThat(Glob.of("edge-?").matches("edge-1")).isTrue();
    assertThat(Glob.of("edge-?").matches("edge-10")).isFalse();
    assertThat(Glob.of("*-96").matches("t-1/vorbis-96")).isTrue();
    assertThat(Glob.of("a*b*c").matches("aXbYbZc")).isTrue();
    assertThat(Glob.of("a*b*c").matches("aXbYbZ")).isFalse();
  }

  @Test
  void adminToken_noEnvironment_writesOwnerOnlyFile() throws Exception {
    assumeTrue(System.getenv("TONEARM_ADMIN_TOKEN") == null, "TONEARM_ADMIN_TOKEN is set");
    Path dataDir = tempDir.resolve("data");
    StringWriter out = new StringWriter();

    String token = dev.tonearm.server.ServerMainAccess.adminToken(dataDir, new PrintWriter(out));

    Path file = dataDir.resolve("admin-token");
    assertThat(Files.readString(file).trim()).isEqualTo(token);
    assertThat(token.length()).isGreaterThanOrEqualTo(FaultAdminRoutes.MIN_ADMIN_TOKEN_LENGTH);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(out.toString()).contains(file.toString()).doesNotContain(token);
  }
}
