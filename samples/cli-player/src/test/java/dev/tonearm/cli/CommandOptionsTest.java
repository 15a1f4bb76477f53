package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.DataDirectoryLockedException;
import dev.tonearm.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Option checks, help text and error lines of the CLI that need no running server. The {@code
 * --server} URL in these tests is never contacted, because the checks fail before any request.
 */
class CommandOptionsTest {
  /** Loopback URL for commands that must fail before they connect. */
  private static final String UNUSED_SERVER = "http://127.0.0.1:9";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TonearmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void cacheDirOnProc_usageError() {
    Path proc = Paths.get("/proc");
    assumeTrue(Files.isDirectory(proc), "needs the Linux /proc file system");

    int exit = run("play", "t-1", "--server", UNUSED_SERVER, "--cache-dir", "/proc/tonearm-x");

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("error: USAGE: --cache-dir folder is not writable: /proc");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingParentFolders_usageErrorForEachOption() {
    Path missing = dir.resolve("missing");
    List<String[]> cases =
        List.of(
            new String[] {"--out", missing.resolve("played.wav").toString()},
            new String[] {"--cache-dir", missing.resolve("cache").toString()},
            new String[] {"--key-store", missing.resolve("keys.tks").toString()});

    for (String[] option : cases) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);

      int exit = run("play", "t-1", "--server", UNUSED_SERVER, option[0], option[1]);

      assertThat(exit).as(option[0] + ": " + err).isEqualTo(2);
      assertThat(err.toString())
          .as(option[0])
          .startsWith("error: USAGE: " + option[0] + " folder does not exist: " + missing);
      assertThat(out.toString()).as(option[0]).isEmpty();
    }
    assertThat(missing).as("no option created the folder").doesNotExist();
  }

  @Test
  void decodeOutInMissingFolder_usageError() {
    Path missing = dir.resolve("missing");

    int exit = run("decode", "in.flac", "--out", missing.resolve("out.wav").toString());

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: USAGE: --out folder does not exist: " + missing);
  }

  @Test
  void cacheDirWithExistingParent_passesFolderCheck() {
    // The cache folder itself may be missing: the cache creates it. The command then fails at
    // the login, on a port that nothing listens on, which shows that the checks passed.
    int exit =
        run(
            "play",
            "t-1",
            "--server",
            UNUSED_SERVER,
            "--cache-dir",
            dir.resolve("new-cache").toString(),
            "--key-store",
            dir.resolve("keys.tks").toString(),
            "--out",
            dir.resolve("played.wav").toString());

    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).doesNotContain("USAGE");
  }

  @Test
  void negativeNetworkTimeout_usageError() {
    int exit = run("play", "t-1", "--server", UNUSED_SERVER, "--network-timeout", "-1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: USAGE: --network-timeout must be 0");
  }

  @Test
  void lockedDataDir_printsReasonCode() throws Exception {
    Path data = dir.resolve("server");
    try (ReferenceServer server =
        ReferenceServer.builder()
            .dataDir(data)
            .apiPort(0)
            .edgeCount(1)
            .passwordHashIterations(1_000)
            .seedDemo(false)
            .build()
            .start()) {
      int exit =
          run("demo", "--data-dir", data.toString(), "--out", dir.resolve("d.wav").toString());

      assertThat(exit).isEqualTo(1);
      String[] lines = err.toString().trim().split("\\R");
      assertThat(lines).hasSize(1);
      assertThat(lines[0]).startsWith("error: DATA_DIR_LOCKED: data directory " + data);
      assertThat(lines[0]).doesNotContain("Exception").doesNotContain("dev.tonearm");
    }
  }

  @Test
  void errorLines_omitClassNames() {
    assertThat(ErrorLines.describe(new DataDirectoryLockedException(dir, "42")))
        .startsWith("DATA_DIR_LOCKED: data directory " + dir + " is in use by process 42");
    assertThat(ErrorLines.describe(new NoSuchFileException("/x/y")))
        .isEqualTo("FILE_NOT_FOUND: no such file or folder: /x/y");
    assertThat(ErrorLines.describe(new IllegalStateException("bad state")))
        .isEqualTo("INTERNAL_ERROR: bad state");
    assertThat(ErrorLines.describe(new NullPointerException()))
        .isEqualTo("INTERNAL_ERROR: unexpected failure without a message");
  }

  @Test
  void help_keepsDefaultsOnOneLine() {
    for (String command : List.of("play", "demo", "devices")) {
      out.getBuffer().setLength(0);

      int exit = run(command, "--help");

      assertThat(exit).as(command).isZero();
      String help = out.toString();
      assertThat(help).as(command).contains("Default: ~/.tonearm/cli-key-store.tks");
      assertThat(help).as(command).doesNotContain(". tonearm");
      assertThat(help).as(command).doesNotContain("http: //");
    }
    out.getBuffer().setLength(0);

    run("play", "--help");

    assertThat(out.toString()).contains("Default: premium@demo.tonearm.dev");
    assertThat(out.toString()).contains("--network-timeout=SECONDS");
  }
}
