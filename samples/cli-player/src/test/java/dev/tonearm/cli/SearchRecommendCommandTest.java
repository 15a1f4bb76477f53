package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code search} and {@code recommend} commands against a real embedded reference server with
 * the demo catalog, on loopback.
 */
class SearchRecommendCommandTest {
  @TempDir static Path dir;

  private static ReferenceServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server =
        ReferenceServer.builder()
            .dataDir(dir.resolve("server"))
            .apiPort(0)
            .edgeCount(2)
            .passwordHashIterations(1_000)
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void search_misspeltTitle_findsDemoTrack() {
    Result result = run("search", "--server", server.apiUrl(), "apex", "alpeh");

    assertThat(result.exitCode).isZero();
    assertThat(result.err).isEmpty();
    assertThat(result.out).startsWith("TYPE");
    assertThat(result.out).contains("Apex Aleph");
    assertThat(result.out).contains("result(s) for 'apex alpeh'");
  }

  @Test
  void search_json_parsesWithTrackFirst() throws Exception {
    Result result =
        run("search", "--server", server.apiUrl(), "--type", "track", "--json", "Apex Alpeh");

    assertThat(result.exitCode).isZero();
    JsonNode root = new ObjectMapper().readTree(result.out);
    assertThat(root.path("query").asText()).isEqualTo("Apex Alpeh");
    assertThat(root.path("results").size()).isPositive();
    JsonNode first = root.path("results").get(0);
    assertThat(first.path("type").asText()).isEqualTo("track");
    assertThat(first.path("title").asText()).isEqualTo("Apex Aleph");
    assertThat(first.path("id").asText()).startsWith("t-");
  }

  @Test
  void search_typeAndLimit_restrictResults() throws Exception {
    Result result =
        run(
            "search", "--server", server.apiUrl(), "--type", "ARTIST,album", "--limit", "1",
            "--json", "maxstak");

    assertThat(result.exitCode).isZero();
    JsonNode results = new ObjectMapper().readTree(result.out).path("results");
    assertThat(results.size()).isEqualTo(1);
    assertThat(results.get(0).path("type").asText()).isIn("artist", "album");
  }

  @Test
  void search_noMatch_printsNoResults() {
    Result result = run("search", "--server", server.apiUrl(), "zzzzqqqq");

    assertThat(result.exitCode).isZero();
    assertThat(result.out).isEqualTo("no results for 'zzzzqqqq'\n");
  }

  @Test
  void recommend_table_printsTracksWithExplanations() {
    Result result = run("recommend", "--server", server.apiUrl(), "--limit", "2");

    assertThat(result.exitCode).isZero();
    assertThat(result.err).isEmpty();
    String[] lines = result.out.split("\n");
    assertThat(lines[0]).startsWith("#").contains("WHY");
    assertThat(lines[1]).contains("Maxstack");
    // A new account has no plays, so only popularity and discovery propose tracks.
    assertThat(lines[1]).containsAnyOf("popular now", "something new");
    assertThat(lines[2]).containsAnyOf("popular now", "something new");
  }

  @Test
  void recommend_json_parsesWithExplanations() throws Exception {
    Result result = run("recommend", "--server", server.apiUrl(), "--json", "--limit", "2");

    assertThat(result.exitCode).isZero();
    JsonNode root = new ObjectMapper().readTree(result.out);
    assertThat(root.path("items").size()).isEqualTo(2);
    for (JsonNode item : root.path("items")) {
      assertThat(item.path("trackId").asText()).startsWith("t-");
      assertThat(item.path("explanation").asText()).isNotEmpty();
      assertThat(item.path("source").asText()).isIn("POPULARITY", "DISCOVERY");
      assertThat(item.path("discovery").isBoolean()).isTrue();
    }
    assertThat(root.path("relaxed").isArray()).isTrue();
  }

  @Test
  void search_wrongPassword_exitsOneWithAuthError() {
    Result result = run("search", "--server", server.apiUrl(), "--password", "wrong", "apex");

    assertThat(result.exitCode).isEqualTo(TonearmCli.EXIT_FAILURE);
    assertThat(result.out).isEmpty();
    assertThat(result.err).startsWith("error: ERROR_AUTH_FAILED: ");
    assertThat(result.err.split("\n")).hasSize(1);
  }

  @Test
  void recommend_unreachableServer_exitsOneWithNetworkError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    Result result = run("recommend", "--server", "http://127.0.0.1:" + closedPort);

    assertThat(result.exitCode).isEqualTo(TonearmCli.EXIT_FAILURE);
    assertThat(result.err).startsWith("error: ERROR_NETWORK: ");
    assertThat(result.err.split("\n")).hasSize(1);
  }

  @Test
  void usageErrors_exitTwo() {
    String api = server.apiUrl();
    String[][] cases = {
      {"search", "--server", api, "--limit", "0", "apex"},
      {"search", "--server", api, "--limit", "51", "apex"},
      {"search", "--server", api, "--type", "song", "apex"},
      {"search", "--server", api, "--", "?!"},
      {"search", "--server", api, "x".repeat(201)},
      {"search", "--server", api},
      {"recommend", "--server", api, "--limit", "101"},
      {"recommend", "--server", api, "--limit", "ten"},
      {"recommend", "--server", "not a url"},
    };
    for (String[] args : cases) {
      Result result = run(args);

      assertThat(result.exitCode).as(String.join(" ", args)).isEqualTo(TonearmCli.EXIT_USAGE);
      assertThat(result.err).as(String.join(" ", args)).startsWith("error: USAGE: ");
      assertThat(result.out).as(String.join(" ", args)).isEmpty();
    }
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = TonearmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private record Result(int exitCode, String out, String err) {}
}
