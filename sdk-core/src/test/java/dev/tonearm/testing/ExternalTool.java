package dev.tonearm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs command-line tools that tests use as reference implementations ({@code sox}, {@code flac},
 * {@code metaflac}), skipping the calling test with a message when a tool is not installed.
 */
public final class ExternalTool {
  private static final long TIMEOUT_SECONDS = 120;

  private ExternalTool() {}

  /** Returns whether an executable named {@code name} is on the PATH. */
  public static boolean isInstalled(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, name);
      if (candidate.isFile() && candidate.canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Skips the calling test unless {@code name} is installed. */
  public static void require(String name) {
    assumeTrue(
        isInstalled(name),
        name + " is not installed; install it (Debian package of the same name) to run this test");
  }

  /**
   * Runs {@code command} (after {@link #require} of its first word) and returns its standard
   * output.
   *
   * @throws IOException when it exits non-zero or runs longer than two minutes; the message
   *     contains its standard error
   */
  public static String run(String... command) throws IOException, InterruptedException {
    require(command[0]);
    List<String> args = new ArrayList<>(Arrays.asList(command));
    // Output goes to files, so that a tool that hangs cannot block the read past the timeout.
    Path stdout = Files.createTempFile("tool", ".out");
    Path stderr = Files.createTempFile("tool", ".err");
    try {
      Process process =
          new ProcessBuilder(args)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", args) + " timed out after 2 minutes");
      }
      if (process.exitValue() != 0) {
        String error = new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8);
        throw new IOException(
            String.join(" ", args) + " exited with " + process.exitValue() + ": " + error);
      }
      return new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }
}
