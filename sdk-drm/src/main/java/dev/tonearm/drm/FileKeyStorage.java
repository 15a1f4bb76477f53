package dev.tonearm.drm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@link KeyStorage} in one file, replaced atomically (temporary file, fsync, rename) and created
 * {@code rw-------} where the file system has POSIX permissions. Leftover temporary files from a
 * crash are ignored. Thread-safe; one process per file.
 */
public final class FileKeyStorage implements KeyStorage {
  /** Largest blob that {@link #read()} accepts. */
  public static final int MAX_BLOB_SIZE_BYTES = 16 * 1024 * 1024;

  private final Path file;

  public FileKeyStorage(Path file) {
    this.file = file;
  }

  /** Returns the file that contains the blob. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized byte[] read() throws IOException {
    long sizeBytes;
    try {
      sizeBytes = Files.size(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (sizeBytes > MAX_BLOB_SIZE_BYTES) {
      throw new DrmException(
          DrmException.ERROR_KEY_STORE_CORRUPT,
          "key store file "
              + file
              + " has "
              + sizeBytes
              + " bytes, more than the limit of "
              + MAX_BLOB_SIZE_BYTES);
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public synchronized void write(byte[] blob) throws IOException {
    AtomicFiles.write(file, blob);
  }

  @Override
  public synchronized void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public String toString() {
    return "FileKeyStorage{" + file + "}";
  }
}
