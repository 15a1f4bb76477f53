package dev.tonearm.sync.storage;

import dev.tonearm.sync.SyncException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only file of length-prefixed, CRC-checked records that survives a crash at any point.
 *
 * <p>Layout: the 8-byte header {@code "TNRMLOG1"}, then records of {@code [length: 4 bytes,
 * big-endian][crc: 4 bytes, CRC-32 of the length bytes and the payload][payload]}. A record is
 * written with one positional write of header and payload.
 *
 * <p><b>Recovery.</b> {@link #open} reads records from the start and stops at the first one that is
 * cut short, has an impossible length or fails its CRC; that record and everything after it is a
 * torn tail from an interrupted append and is truncated away, so every record returned was written
 * completely. A process kill never loses an append that returned, because its data is already in
 * the operating system's page cache. A power loss can lose appends that were not yet synced, so
 * {@link FsyncPolicy#ALWAYS} syncs before each append returns.
 *
 * <p><b>Rewrite.</b> {@link #rewrite} replaces the whole content (for trimming and compaction) by
 * writing a temporary file, syncing it, renaming it over the log atomically and syncing the
 * directory, so a crash leaves either the old or the new content.
 *
 * <p><b>Permissions.</b> A log opened with {@link #openOwnerOnly} creates its files {@code
 * rw-------} where the file system has POSIX permissions. A log opened with {@link #open} leaves
 * them to the process umask.
 *
 * <p>Not thread-safe: callers serialize access.
 */
public final class RecordLog implements Closeable {
  /** When appends reach the storage device. */
  public enum FsyncPolicy {
    /** Sync data before every append returns; survives power loss. */
    ALWAYS,
    /**
     * Leave write-back to the operating system; survives a process kill but may lose the last
     * appends on power loss. Call {@link #sync()} to sync at chosen points.
     */
    NEVER
  }

  /** Default for {@code maxRecordBytes}: 16 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 16 << 20;

  private static final Logger logger = LoggerFactory.getLogger(RecordLog.class);
  private static final byte[] MAGIC = {'T', 'N', 'R', 'M', 'L', 'O', 'G', '1'};
  private static final int RECORD_HEADER_BYTES = 8;

  private final Path file;
  private final FsyncPolicy fsyncPolicy;
  private final boolean ownerOnly;
  private final int maxRecordBytes;
  private final List<byte[]> recovered;
  private final long droppedBytes;
  private FileChannel channel;
  private long sizeBytes;
  private int recordCount;

  private RecordLog(
      Path file,
      FsyncPolicy fsyncPolicy,
      boolean ownerOnly,
      int maxRecordBytes,
      FileChannel channel,
      List<byte[]> recovered,
      long validBytes,
      long droppedBytes) {
    this.file = file;
    this.fsyncPolicy = fsyncPolicy;
    this.ownerOnly = ownerOnly;
    this.maxRecordBytes = maxRecordBytes;
    this.channel = channel;
    this.recovered = recovered;
    this.sizeBytes = validBytes;
    this.recordCount = recovered.size();
    this.droppedBytes = droppedBytes;
  }

  /**
   * Opens or creates the log at {@code file}, recovering the complete records and truncating a torn
   * tail.
   *
   * @throws SyncException {@code CORRUPT_STORAGE} if the file is not a record log, {@code
   *     STORAGE_FAILED} on an I/O error
   */
  public static RecordLog open(Path file, FsyncPolicy fsyncPolicy, int maxRecordBytes)
      throws SyncException {
    return open(file, fsyncPolicy, false, maxRecordBytes);
  }

  /**
   * Opens or creates the log like {@link #open(Path, FsyncPolicy, int)}, and creates the log file
   * and the temporary file of each {@link #rewrite} {@code rw-------} where the file system has
   * POSIX permissions. An existing log keeps its permissions until its next rewrite.
   *
   * @throws SyncException {@code CORRUPT_STORAGE} if the file is not a record log, {@code
   *     STORAGE_FAILED} on an I/O error
   */
  public static RecordLog openOwnerOnly(Path file, FsyncPolicy fsyncPolicy, int maxRecordBytes)
      throws SyncException {
    return open(file, fsyncPolicy, true, maxRecordBytes);
  }

  private static RecordLog open(
      Path file, FsyncPolicy fsyncPolicy, boolean ownerOnly, int maxRecordBytes)
      throws SyncException {
    if (maxRecordBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes must be > 0: " + maxRecordBytes);
    }
    try {
      Files.deleteIfExists(temporaryFile(file));
      if (!Files.exists(file) || Files.size(file) < MAGIC.length) {
        // A file shorter than the header can only come from an interrupted first creation.
        writeAtomically(file, Collections.<byte[]>emptyList(), ownerOnly);
      }
      byte[] content = Files.readAllBytes(file);
      if (!Arrays.equals(Arrays.copyOf(content, MAGIC.length), MAGIC)) {
        throw new SyncException(
            SyncException.Reason.CORRUPT_STORAGE, file + " is not a record log: bad header");
      }
      List<byte[]> records = new ArrayList<>();
      long validEnd = scan(content, maxRecordBytes, records);
      long dropped = content.length - validEnd;
      FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
      if (dropped > 0) {
        logger.warn(
            "Dropped a torn tail of {} bytes from {} after {} complete records",
            dropped,
            file,
            records.size());
        channel.truncate(validEnd);
        channel.force(true);
      }
      return new RecordLog(
          file, fsyncPolicy, ownerOnly, maxRecordBytes, channel, records, validEnd, dropped);
    } catch (IOException e) {
      throw storageFailed("open " + file, e);
    }
  }

  /** Returns the payloads recovered by {@link #open}, in order. */
  public List<byte[]> recoveredRecords() {
    return Collections.unmodifiableList(recovered);
  }

  /** Returns how many bytes of torn tail {@link #open} truncated. */
  public long droppedBytesAtOpen() {
    return droppedBytes;
  }

  /** Appends one record; on return it survives a process kill, and power loss under ALWAYS. */
  public void append(byte[] payload) throws SyncException {
    appendAll(Collections.singletonList(payload));
  }

  /** Appends records with one write and at most one sync. */
  public void appendAll(List<byte[]> payloads) throws SyncException {
    ensureOpen();
    ByteBuffer buffer = encode(payloads);
    try {
      long position = sizeBytes;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      if (fsyncPolicy == FsyncPolicy.ALWAYS) {
        channel.force(false);
      }
      sizeBytes = position;
      recordCount += payloads.size();
    } catch (IOException e) {
      throw storageFailed("append to " + file, e);
    }
  }

  /** Atomically replaces every record with {@code payloads}. */
  public void rewrite(List<byte[]> payloads) throws SyncException {
    ensureOpen();
    try {
      channel.close();
      writeAtomically(file, payloads, ownerOnly);
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      sizeBytes = channel.size();
      recordCount = payloads.size();
    } catch (IOException e) {
      throw storageFailed("rewrite " + file, e);
    }
  }

  /** Syncs appended data to the storage device. */
  public void sync() throws SyncException {
    ensureOpen();
    try {
      channel.force(false);
    } catch (IOException e) {
      throw storageFailed("sync " + file, e);
    }
  }

  /** Returns the number of records in the file. */
  public int recordCount() {
    return recordCount;
  }

  /** Returns the file size in bytes. */
  public long sizeBytes() {
    return sizeBytes;
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  private void ensureOpen() {
    if (channel == null) {
      throw new IllegalStateException("record log " + file + " is closed");
    }
  }

  private ByteBuffer encode(List<byte[]> payloads) {
    int total = 0;
    for (byte[] payload : payloads) {
      if (payload.length == 0 || payload.length > maxRecordBytes) {
        throw new IllegalArgumentException(
            "record must be 1.." + maxRecordBytes + " bytes: " + payload.length);
      }
      total += RECORD_HEADER_BYTES + payload.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total);
    for (byte[] payload : payloads) {
      buffer.putInt(payload.length);
      buffer.putInt(crc(payload.length, payload));
      buffer.put(payload);
    }
    // Through Buffer: ByteBuffer.flip() returning ByteBuffer does not exist before Java 9.
    ((Buffer) buffer).flip();
    return buffer;
  }

  /** Collects complete records into {@code records} and returns the end of the last one. */
  private static long scan(byte[] content, int maxRecordBytes, List<byte[]> records) {
    ByteBuffer buffer = ByteBuffer.wrap(content);
    int position = MAGIC.length;
    while (content.length - position >= RECORD_HEADER_BYTES) {
      int length = buffer.getInt(position);
      int storedCrc = buffer.getInt(position + 4);
      int start = position + RECORD_HEADER_BYTES;
      if (length <= 0 || length > maxRecordBytes || length > content.length - start) {
        break;
      }
      byte[] payload = Arrays.copyOfRange(content, start, start + length);
      if (crc(length, payload) != storedCrc) {
        break;
      }
      records.add(payload);
      position = start + length;
    }
    return position;
  }

  private static int crc(int length, byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(4).putInt(length).array());
    crc.update(payload);
    return (int) crc.getValue();
  }

  private static void writeAtomically(Path file, List<byte[]> payloads, boolean ownerOnly)
      throws IOException {
    Path temporary = temporaryFile(file);
    int total = MAGIC.length;
    for (byte[] payload : payloads) {
      total += RECORD_HEADER_BYTES + payload.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total);
    buffer.put(MAGIC);
    for (byte[] payload : payloads) {
      buffer.putInt(payload.length);
      buffer.putInt(crc(payload.length, payload));
      buffer.put(payload);
    }
    // Through Buffer: ByteBuffer.flip() returning ByteBuffer does not exist before Java 9.
    ((Buffer) buffer).flip();
    // A file that exists keeps its permissions, so a temporary file left by a crash is replaced.
    Files.deleteIfExists(temporary);
    Set<StandardOpenOption> options =
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileChannel out =
        FileChannel.open(temporary, options, creationAttributes(temporary, ownerOnly))) {
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("file system of " + file + " cannot rename atomically", e);
    }
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Syncs a directory so a rename in it is durable; some platforms cannot, which is logged. */
  private static void syncDirectory(Path directory) {
    if (directory == null) {
      return;
    }
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      logger.debug("Cannot sync directory {}: {}", directory, e.toString());
    }
  }

  private static FileAttribute<?>[] creationAttributes(Path file, boolean ownerOnly) {
    if (!ownerOnly || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    Set<PosixFilePermission> permissions =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
  }

  private static Path temporaryFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  private static SyncException storageFailed(String action, IOException e) {
    if (e instanceof SyncException) {
      return (SyncException) e;
    }
    return new SyncException(
        SyncException.Reason.STORAGE_FAILED, "failed to " + action + ": " + e, e);
  }
}
