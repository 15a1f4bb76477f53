package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per data directory: embedded servers in this JVM, the {@code serve} command in a
 * child JVM, and a restart after that child is killed. The timeout only guards against a hang.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataDirectoryLockTest {
  @TempDir Path tempDir;

  @Test
  void secondServerOnSameDir_failsLocked() throws Exception {
    Path dataDir = tempDir.resolve("data");
    try (ReferenceServer first = TestServers.builder(dataDir).seedDemo(false).build().start()) {
      ReferenceServer second = TestServers.builder(dataDir).seedDemo(false).build();

      assertThatThrownBy(second::start)
          .isInstanceOfSatisfying(
              DataDirectoryLockedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("DATA_DIR_LOCKED");
                assertThat(e.directory()).isEqualTo(dataDir.toAbsolutePath().normalize());
                assertThat(e.getMessage()).contains(dataDir.toAbsolutePath().toString());
              });
      // The failed start must leave the first server's lock in place.
      assertThatThrownBy(TestServers.builder(dataDir).seedDemo(false).build()::start)
          .isInstanceOf(DataDirectoryLockedException.class);
      assertThat(first.apiUrl()).startsWith("http://");
    }
  }

  @Test
  void closedServer_releasesLock() throws Exception {
    Path dataDir = tempDir.resolve("data");
    TestServers.builder(dataDir).seedDemo(false).build().start().close();

    try (ReferenceServer next = TestServers.builder(dataDir).seedDemo(false).build().start()) {
      assertThat(next.apiUrl()).startsWith("http://");
    }
  }

  @Test
  void separateDirs_runSideBySide() throws Exception {
    try (ReferenceServer first =
            TestServers.builder(tempDir.resolve("a")).seedDemo(false).build().start();
        ReferenceServer second =
            TestServers.builder(tempDir.resolve("b")).seedDemo(false).build().start()) {
      assertThat(first.apiUrl()).isNotEqualTo(second.apiUrl());
    }
  }

  @Test
  void childServe_locksUntilKilled() throws Exception {
    Path dataDir = tempDir.resolve("data");
    Files.createDirectories(dataDir);
    // The marker makes the child skip the demo catalog, which needs the codec tools and time.
    Files.writeString(dataDir.resolve("demo-seeded"), "skipped in this test\n");
    Process child = startServe(dataDir);
    try {
      awaitApiLine(child);

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int serveExit =
          ServerMain.run(
              new String[] {"serve", "--data-dir", dataDir.toString(), "--port", "0"},
              new PrintWriter(out, true),
              new PrintWriter(err, true));
      assertThat(serveExit).isEqualTo(1);
      assertThat(err.toString().lines()).hasSize(1);
      assertThat(err.toString())
          .startsWith("error: DATA_DIR_LOCKED: data directory ")
          .contains(dataDir.toAbsolutePath().normalize().toString())
          .contains("process " + child.pid());

      StringWriter ingestErr = new StringWriter();
      int ingestExit =
          ServerMain.run(
              new String[] {"ingest", "--data-dir", dataDir.toString(), "missing.ogg"},
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(ingestErr, true));
      assertThat(ingestExit).isEqualTo(1);
      assertThat(ingestErr.toString()).startsWith("error: DATA_DIR_LOCKED: ");

      // SIGKILL: no shutdown hook runs, so only the operating system releases the lock.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      try (ReferenceServer restarted =
          TestServers.builder(dataDir).seedDemo(false).build().start()) {
        assertThat(restarted.apiUrl()).startsWith("http://");
      }
    } finally {
      if (child.isAlive()) {
        child.toHandle().destroyForcibly();
        child.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  private Process startServe(Path dataDir) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            ServerMain.class.getName(),
            "serve",
            "--data-dir",
            dataDir.toString(),
            "--port",
            "0");
    builder.redirectError(tempDir.resolve("child-stderr.txt").toFile());
    return builder.start();
  }

  /** Reads the child's output until it prints its API URL, which it does once it holds the lock. */
  private void awaitApiLine(Process child) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      lines.add(line);
      if (line.startsWith("api http://")) {
        return;
      }
    }
    throw new AssertionError(
        "serve ended before printing its API URL; output "
            + lines
            + ", error output "
            + Files.readString(tempDir.resolve("child-stderr.txt")));
  }
}
