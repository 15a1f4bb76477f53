package dev.tonearm.offline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space of the disk that holds offline files. {@link #fileStore()} asks the file system; tests
 * substitute a fixed or shrinking value to simulate a full disk.
 *
 * <p>Called from download threads; implementations must be thread-safe.
 */
@FunctionalInterface
public interface DiskSpace {
  /** Returns the bytes available to this app on the disk that holds {@code directory}. */
  long usableBytes(Path directory) throws IOException;

  /** Returns a {@link DiskSpace} backed by {@link java.nio.file.FileStore#getUsableSpace()}. */
  static DiskSpace fileStore() {
    return directory -> Files.getFileStore(directory).getUsableSpace();
  }
}
