package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.server.DataDirectoryListing;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.ingest.ChunkDigests;
import dev.tonearm.server.ingest.ExternalTools;
import dev.tonearm.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin ingest route adds a server-side file to the running catalog, for the admin only. */
class AdminIngestTest {
  private static final String ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdef";
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http = new OkHttpClient();
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void adminToken_ingestsFileIntoRunningCatalog(@TempDir Path dir) throws Exception {
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    try (ReferenceServer server = start(dir)) {
      JsonNode created = post(server, ADMIN_TOKEN, "{\"path\":" + quote(flac) + "}", 201);
      String trackId = created.get("trackId").asText();

      String userToken = Tokens.premium(server.apiUrl()).accessToken();
      Request list =
          new Request.Builder()
              .url(server.apiUrl() + "/v1/tracks")
              .header("Authorization", "Bearer " + userToken)
              .build();
      try (Response response = http.newCall(list).execute()) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body().string()).contains(trackId);
      }
      JsonNode again = post(server, ADMIN_TOKEN, "{\"path\":" + quote(flac) + "}", 200);
      assertThat(again.get("alreadyPresent").asBoolean()).isTrue();
    }
  }

  @Test
  void userToken_rejectedWith401(@TempDir Path dir) throws Exception {
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    try (ReferenceServer server = start(dir)) {
      String userToken = Tokens.premium(server.apiUrl()).accessToken();

      JsonNode error = post(server, userToken, "{\"path\":" + quote(flac) + "}", 401);

      assertThat(error.at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
    }
  }

  @Test
  void textFile_rejectedWithIngestReason(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.ogg");
    java.nio.file.Files.writeString(text, "not audio at all, only text");
    try (ReferenceServer server = start(dir)) {
      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":" + quote(text) + "}", 400);

      assertThat(error.at("/error/message").asText()).contains("UNSUPPORTED_FORMAT");
    }
  }

  @Test
  void missingAbsolutePath_reportedAsNotFound(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope").resolve("x.flac");
    try (ReferenceServer server = start(dir)) {
      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":" + quote(missing) + "}", 400);

      String message = error.at("/error/message").asText();
      assertThat(message).contains("not found").contains(missing.toString());
      assertThat(message).doesNotContain("absolute");
    }
  }

  @Test
  void relativePath_reportedAsRelative(@TempDir Path dir) throws Exception {
    try (ReferenceServer server = start(dir)) {
      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":\"music/x.flac\"}", 400);

      assertThat(error.at("/error/message").asText()).contains("absolute").contains("relative");
    }
  }

  @Test
  void emptyFile_rejectedAsEmpty(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.flac"));
    try (ReferenceServer server = start(dir)) {
      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":" + quote(empty) + "}", 400);

      String message = error.at("/error/message").asText();
      assertThat(message).contains("EMPTY");
      assertThat(message).doesNotContain("UNSUPPORTED_FORMAT");
    }
  }

  @Test
  void malformedVorbis_rejectedAsCorruptWithoutFiles(@TempDir Path dir) throws Exception {
    Path ogg = Corpus.require("ogg-vorbis/libnogg/floor1-x-array-overflow.ogg");
    try (ReferenceServer server = start(dir)) {
      List<String> before = DataDirectoryListing.files(dir.resolve("data"));

      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":" + quote(ogg) + "}", 400);

      assertThat(error.at("/error/message").asText()).contains("CORRUPT").contains("floor 1");
      assertThat(DataDirectoryListing.files(dir.resolve("data"))).isEqualTo(before);
    }
  }

  @Test
  void failedRecordSave_leavesNoFiles(@TempDir Path dir) throws Exception {
    assumeTrue(ExternalTools.fromEnvironment().has("flac"), "flac is not on the PATH");
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    try (ReferenceServer server = start(dir)) {
      Path data = dir.resolve("data");
      // The catalog writes TRACK_ID.json.tmp first, so a folder in that place makes the save fail.
      String trackId = "t-" + ChunkDigests.sha256Of(flac).substring(0, 12);
      Files.createDirectories(data.resolve("catalog/tracks").resolve(trackId + ".json.tmp"));
      List<String> before = DataDirectoryListing.files(data);

      JsonNode error = post(server, ADMIN_TOKEN, "{\"path\":" + quote(flac) + "}", 500);

      assertThat(error.at("/error/code").asText()).isEqualTo("INTERNAL");
      assertThat(DataDirectoryListing.files(data)).isEqualTo(before);
      assertThat(DataDirectoryListing.folders(data.resolve("objects"))).isEmpty();
      assertThat(DataDirectoryListing.folders(data.resolve("tmp"))).isEmpty();
    }
  }

  private static ReferenceServer start(Path dir) throws Exception {
    return TestServers.builder(dir.resolve("data"))
        .seedDemo(false)
        .faultInjection(ADMIN_TOKEN)
        .build()
        .start();
  }

  private JsonNode post(ReferenceServer server, String token, String body, int expectedStatus)
      throws Exception {
    Request request =
        new Request.Builder()
            .url(server.apiUrl() + "/v1/admin/ingest")
            .header("Authorization", "Bearer " + token)
            .post(RequestBody.create(body, JSON))
            .build();
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      assertThat(response.code()).as(text).isEqualTo(expectedStatus);
      return mapper.readTree(text);
    }
  }

  private String quote(Path path) throws Exception {
    return mapper.writeValueAsString(path.toString());
  }
}
