package dev.tonearm.offline.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File operations that survive a crash: forced writes, atomic renames and directory syncs.
 *
 * <p>A rename becomes durable only when the directory that contains it is forced. Linux allows that
 * by opening the directory read-only and calling {@code fsync}; where the platform rejects to open
 * a directory, the failure is logged once at debug level and the rename relies on the file system's
 * own ordering.
 */
public final class Durable {
  private static final Logger log = LoggerFactory.getLogger(Durable.class);
  private static volatile boolean directorySyncUnsupportedLogged;

  private Durable() {}

  /** Writes all of {@code buffer} at the channel's position. */
  public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Writes all of {@code buffer} at {@code position}. */
  public static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /**
   * Replaces {@code target} with {@code content}: writes a temporary sibling, forces it, renames it
   * over the target and forces the directory. A crash leaves either the old or the new file.
   */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(channel, ByteBuffer.wrap(content));
      channel.force(true);
    }
    moveAtomically(temporary, target);
  }

  /** Renames {@code source} over {@code target} atomically and forces the directory. */
  public static void moveAtomically(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(target.toAbsolutePath().getParent());
  }

  /** Deletes {@code file} if it exists and forces the directory; returns whether it existed. */
  public static boolean deleteIfExists(Path file) throws IOException {
    boolean deleted = Files.deleteIfExists(file);
    if (deleted) {
      forceDirectory(file.toAbsolutePath().getParent());
    }
    return deleted;
  }

  /** Forces the directory entry changes of {@code directory} to disk where the platform can. */
  public static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!directorySyncUnsupportedLogged) {
        directorySyncUnsupportedLogged = true;
        log.debug("Directory sync is not available here ({}): {}", directory, e.toString());
      }
    }
  }
}
