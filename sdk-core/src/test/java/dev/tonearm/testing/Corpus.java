package dev.tonearm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the shared test corpus of real media and data files.
 *
 * <p>The location comes from the {@code TONEARM_CORPUS} environment variable, then the {@code
 * tonearm.corpus} system property (the build sets it to {@code ../shared/corpus} next to the
 * repository root, and {@code -Dtonearm.corpus=DIR} overrides it). Tests call {@link #require(String)} and are skipped with a message naming the
 * missing path when the corpus is absent.
 */
public final class Corpus {
  private Corpus() {}

  /** Returns the corpus root, which may not exist. */
  public static Path root() {
    String configured = System.getenv("TONEARM_CORPUS");
    if (configured == null || configured.isEmpty()) {
      configured = System.getProperty("tonearm.corpus");
    }
    if (configured == null || configured.isEmpty()) {
      configured = "../shared/corpus";
    }
    return Paths.get(configured).toAbsolutePath().normalize();
  }

  /** Whether {@code relative} exists under the corpus root. */
  public static boolean has(String relative) {
    return Files.exists(root().resolve(relative));
  }

  /**
   * Returns {@code relative} resolved against the corpus root, skipping the calling test when it
   * does not exist.
   */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    assumeTrue(
        Files.exists(path),
        "test corpus file not found: "
            + path
            + " (set -Dtonearm.corpus=DIR or TONEARM_CORPUS to the corpus folder)");
    return path;
  }
}
