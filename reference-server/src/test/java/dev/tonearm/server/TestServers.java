package dev.tonearm.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.ingest.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts reference servers for tests. The demo catalog is ingested once per test JVM into a
 * template data directory. Each server gets its own copy of it, so tests do not pay for ingest
 * again and cannot see each other's changes. Thread-safe.
 */
public final class TestServers {
  /** PBKDF2 iterations in tests: the minimum, so each login costs about a millisecond. */
  public static final int TEST_HASH_ITERATIONS = 1_000;

  private static Path template;

  private TestServers() {}

  /** A builder with test settings over {@code dataDir}. */
  public static ReferenceServer.Builder builder(Path dataDir) {
    return ReferenceServer.builder()
        .dataDir(dataDir)
        .apiPort(0)
        .edgeCount(2)
        .passwordHashIterations(TEST_HASH_ITERATIONS);
  }

  /**
   * Copies the seeded demo data directory into {@code target} and returns it. Skips the calling
   * test when oggdec or oggenc is missing, because the demo renditions need them.
   */
  public static Path seededDataDir(Path target) throws IOException, InterruptedException {
    ExternalTools tools = ExternalTools.fromEnvironment();
    assumeTrue(
        tools.has("oggdec") && tools.has("oggenc"),
        "oggdec and oggenc (Debian package vorbis-tools) are needed for the demo catalog");
    copyTree(template(), target);
    return target;
  }

  /** Starts a server over a fresh copy of the demo data directory in {@code tempDir}. */
  public static ReferenceServer startSeeded(Path tempDir) throws IOException, InterruptedException {
    return builder(seededDataDir(tempDir.resolve("data"))).build().start();
  }

  private static synchronized Path template() throws IOException, InterruptedException {
    if (template == null) {
      Path dir = Files.createTempDirectory("tonearm-demo-template-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      // Starting and closing a server seeds the accounts and the demo catalog.
      builder(dir).build().start().close();
      template = dir;
    }
    return template;
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          // Key files must stay owner-only, or the key management service rejects them.
          Files.copy(path, destination, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
