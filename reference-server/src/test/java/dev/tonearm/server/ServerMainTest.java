package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.ingest.ExternalTools;
import dev.tonearm.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void missingArguments_exitTwo() {
    assertThat(run("ingest", "--data-dir", tempDir.toString())).isEqualTo(2);
    assertThat(run("serve")).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
  }
}
