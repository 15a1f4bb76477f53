package dev.tonearm.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a data directory, so that one process (and one server inside it) at a time
 * writes the catalog, the keys, the sync playlists and the offline state.
 *
 * <p>The lock is an operating-system file lock ({@link FileChannel#tryLock()}) on {@link
 * DataDirectory#lockFile()}. The operating system releases it when the process ends, even when the
 * process is killed, so a killed server does not block the next start. The lock file stays and is
 * reused.
 * Inside one JVM, a second lock on the same file raises {@link OverlappingFileLockException}, which
 * this class reports like a lock held by another process. The file contains the owner's process id
 * for the error message only; nothing relies on it.
 *
 * <p>Threading: {@link #close()} may be called from any thread, once or more.
 */
public final class DataDirectoryLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataDirectoryLock.class);

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDirectory}, whose root must exist, and keeps the lock until {@link #close()}.
   *
   * @throws DataDirectoryLockedException when another process or another server in this JVM holds
   *     the lock
   */
  public static DataDirectoryLock acquire(DataDirectory dataDirectory) throws IOException {
    Path file = dataDirectory.lockFile();
    FileChannel channel =
        OwnerOnlyFiles.openChannel(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String owner = readOwner(channel);
      channel.close();
      throw new DataDirectoryLockedException(dataDirectory.root(), owner);
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      channel.force(false);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw e;
    }
    log.debug("locked data directory {}", dataDirectory.root());
    return new DataDirectoryLock(file, channel, lock);
  }

  /** Returns the lock file. */
  public Path file() {
    return file;
  }

  /** Releases the lock; the lock file stays. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      log.warn("releasing the lock {} failed; closing its channel releases it", file, e);
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.warn("closing the lock file {} failed", file, e);
    }
  }

  /** Returns the process id stored in the lock file, or an empty string if none is readable. */
  private static String readOwner(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      return text.trim().matches("[0-9]{1,19}") ? text.trim() : "";
    } catch (IOException e) {
      return "";
    }
  }
}
