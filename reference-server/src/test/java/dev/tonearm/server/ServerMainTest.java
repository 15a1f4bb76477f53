package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.ingest.ChunkDigests;
import dev.tonearm.server.ingest.ExternalTools;
import dev.tonearm.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ingest} command and usage errors, run in-process with captured output. */
class ServerMainTest {
  @TempDir Path tempDir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return ServerMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void ingest_validFile_printsTrackIdAndExitsZero() {
    ExternalTools tools = ExternalTools.fromEnvironment();
    assumeTrue(tools.has("oggdec") && tools.has("oggenc"), "needs oggdec and oggenc");
    Path file = Corpus.require("music/singularity-apex-aleph.ogg");

    int exitCode = run("ingest", "--data-dir", tempDir.toString(), file.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString()).isEqualTo("t-c9d9bdd0c399" + System.lineSeparator());
    assertThat(tempDir.resolve("catalog/tracks/t-c9d9bdd0c399.json")).exists();
  }

  @Test
  void ingest_rejectedFile_printsReasonAndExitsOne() throws Exception {
    Path text = Files.writeString(tempDir.resolve("readme.ogg"), "plain text");

    int exitCode = run("ingest", "--data-dir", tempDir.resolve("data").toString(), text.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("error: UNSUPPORTED_FORMAT: ");
  }

  @Test
  void ingest_failedRecordSave_leavesNoFiles() throws Exception {
    assumeTrue(ExternalTools.fromEnvironment().has("flac"), "flac is not on the PATH");
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    Path data = tempDir.resolve("data");
    Path text = Files.writeString(tempDir.resolve("readme.ogg"), "plain text");
    // A rejected file makes the command create the data directory and its keys.
    assertThat(run("ingest", "--data-dir", data.toString(), text.toString())).isEqualTo(1);
    // The catalog writes TRACK_ID.json.tmp first, so a folder in that place makes the save fail.
    String trackId = "t-" + ChunkDigests.sha256Of(flac).substring(0, 12);
    Files.createDirectories(data.resolve("catalog/tracks").resolve(trackId + ".json.tmp"));
    List<String> before = DataDirectoryListing.files(data);

    int exitCode = run("ingest", "--data-dir", data.toString(), flac.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(DataDirectoryListing.files(data)).isEqualTo(before);
    assertThat(DataDirectoryListing.folders(data.resolve("objects"))).isEmpty();
    assertThat(DataDirectoryListing.folders(data.resolve("sources"))).isEmpty();
  }

  @Test
  void ingest_malformedFile_rejectedWithoutFiles() throws Exception {
    Path ogg = Corpus.require("ogg-vorbis/libnogg/floor1-x-array-overflow.ogg");
    Path data = tempDir.resolve("data");
    Path text = Files.writeString(tempDir.resolve("readme.ogg"), "plain text");
    assertThat(run("ingest", "--data-dir", data.toString(), text.toString())).isEqualTo(1);
    List<String> before = DataDirectoryListing.files(data);
    err.getBuffer().setLength(0);

    int exitCode = run("ingest", "--data-dir", data.toString(), ogg.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: CORRUPT: ");
    assertThat(DataDirectoryListing.files(data)).isEqualTo(before);
  }

  @Test
  void missingArguments_exitTwo() {
    assertThat(run("ingest", "--data-dir", tempDir.toString())).isEqualTo(2);
    assertThat(run("serve")).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
  }

  @Test
  void serve_portInUse_failsFastNamingListener() throws Exception {
    Path dataDir = tempDir.resolve("data");
    try (ServerSocket occupied =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = occupied.getLocalPort();

      int exitCode =
          run(
              "serve",
              "--data-dir",
              dataDir.toString(),
              "--port",
              "0",
              "--edge-ports",
              port + ",0",
              "--sync-port",
              "0");

      assertThat(exitCode).isEqualTo(ServerMain.EXIT_REJECTED);
      assertThat(err.toString()).contains("ADDRESS_IN_USE");
      assertThat(err.toString()).contains("edge-0");
      assertThat(err.toString()).contains(":" + port);
      // The demo catalog is ingested only after the port check, so a failed start leaves none.
      assertThat(dataDir.resolve("demo-seeded")).doesNotExist();
      assertThat(dataDir.resolve("catalog/tracks")).isEmptyDirectory();
    }
  }
}
