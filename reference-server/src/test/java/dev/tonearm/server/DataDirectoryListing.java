package dev.tonearm.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Lists every regular file under a data directory, as sorted relative paths, so that tests can
 * compare the directory before and after an operation. The lock file is left out because it exists
 * for as long as the directory is in use. Stateless.
 */
public final class DataDirectoryListing {
  private DataDirectoryListing() {}

  /** Returns the relative paths of all regular files under {@code root}, sorted. */
  public static List<String> files(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(path -> root.relativize(path).toString())
          .filter(name -> !name.equals(DataDirectory.LOCK_FILE_NAME))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** Returns the relative paths of all folders under {@code root}, sorted, without the root. */
  public static List<String> folders(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isDirectory)
          .filter(path -> !path.equals(root))
          .map(path -> root.relativize(path).toString())
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
