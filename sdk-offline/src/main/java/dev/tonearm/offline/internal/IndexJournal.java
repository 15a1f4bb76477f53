package dev.tonearm.offline.internal;

import dev.tonearm.offline.Checkpoint;
import dev.tonearm.offline.CheckpointObserver;
import dev.tonearm.offline.OfflineException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of the download index: a snapshot and a write-ahead journal, both sequences of
 * CRC-framed records.
 *
 * <p>Format. Each file starts with a 21-byte header: magic {@code TOIX}, format version (int), kind
 * (1 snapshot, 2 journal), generation (long) and a CRC-32 of those 17 bytes. Records follow as
 * frames: payload length (int, 1 to {@link #MAX_RECORD_BYTES}), CRC-32 of the payload (int),
 * payload. A snapshot ends with a frame of length 0 whose CRC field contains the record count.
 *
 * <p>Crash safety:
 *
 * <ul>
 *   <li>An append writes one frame at the end of the journal and forces it before returning, so a
 *       record that a caller saw appended is on disk. If the write fails, the journal is cut back
 *       to its previous length, so no garbage sits between good frames.
 *   <li>A crash can leave only the last frame torn. Replay stops at the first frame that is short
 *       or fails its CRC and cuts the journal there.
 *   <li>Compaction writes the full state to a new snapshot with the next generation (temporary
 *       file, force, atomic rename, directory force), then replaces the journal with an empty one
 *       of that generation the same way. On open, a journal whose generation differs from the
 *       snapshot's predates the snapshot and is ignored, because the snapshot already contains its
 *       records. A crash at any step therefore leaves either the old pair or the new state.
 * </ul>
 *
 * <p>Not thread-safe; the index's owner serialises calls.
 */
final class IndexJournal implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(IndexJournal.class);

  static final String SNAPSHOT_FILE = "index.snapshot";
  static final String JOURNAL_FILE = "index.journal";
  static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;
  static final int HEADER_BYTES = 21;

  private static final int MAGIC = 0x544f4958;
  private static final int FORMAT_VERSION = 1;
  private static final byte KIND_SNAPSHOT = 1;
  private static final byte KIND_JOURNAL = 2;
  private static final int FRAME_HEADER_BYTES = 8;
  private static final String TEMPORARY_SUFFIX = ".tmp";

  /** Receives replayed record payloads in order. */
  interface RecordConsumer {
    void accept(byte[] payload) throws IOException;
  }

  private final Path directory;
  private final CheckpointObserver checkpoints;
  private long generation;
  private FileChannel journal;
  private long journalSizeBytes;
  private int recordsSinceSnapshot;
  private boolean failed;

  private IndexJournal(
      Path directory,
      CheckpointObserver checkpoints,
      long generation,
      FileChannel journal,
      long journalSizeBytes,
      int recordsSinceSnapshot) {
    this.directory = directory;
    this.checkpoints = checkpoints;
    this.generation = generation;
    this.journal = journal;
    this.journalSizeBytes = journalSizeBytes;
    this.recordsSinceSnapshot = recordsSinceSnapshot;
  }

  /**
   * Opens the index files in {@code directory}, replaying the snapshot and then the journal into
   * {@code consumer}. Creates empty files when none exist.
   *
   * @throws OfflineException with INDEX_CORRUPT when the snapshot or a header is damaged
   */
  static IndexJournal open(Path directory, RecordConsumer consumer, CheckpointObserver checkpoints)
      throws IOException {
    Files.createDirectories(directory);
    deleteTemporaryFiles(directory);

    long generation = 0;
    Path snapshot = directory.resolve(SNAPSHOT_FILE);
    if (Files.exists(snapshot)) {
      generation = replaySnapshot(snapshot, consumer);
    }

    Path journalPath = directory.resolve(JOURNAL_FILE);
    int replayed = 0;
    long validEnd = -1;
    if (Files.exists(journalPath)) {
      long journalGeneration = readHeader(journalPath, KIND_JOURNAL);
      if (journalGeneration == generation) {
        long[] result = replayJournal(journalPath, consumer);
        validEnd = result[0];
        replayed = (int) result[1];
      } else {
        log.debug(
            "Ignoring index journal of generation {}; the snapshot has {}",
            journalGeneration,
            generation);
      }
    }
    if (validEnd < 0) {
      writeEmptyJournal(journalPath, generation);
      validEnd = HEADER_BYTES;
    }

    FileChannel channel = FileChannel.open(journalPath, StandardOpenOption.WRITE);
    if (channel.size() > validEnd) {
      log.warn(
          "Index journal {} has a torn tail of {} bytes after {} records; cutting it",
          journalPath,
          channel.size() - validEnd,
          replayed);
      channel.truncate(validEnd);
      channel.force(true);
    }
    return new IndexJournal(directory, checkpoints, generation, channel, validEnd, replayed);
  }

  int recordsSinceSnapshot() {
    return recordsSinceSnapshot;
  }

  long generation() {
    return generation;
  }

  /**
   * Appends one record and forces it to disk. Reports {@link Checkpoint#JOURNAL_APPENDED}.
   *
   * @param trackId the track the record concerns, for the checkpoint; may be null
   */
  void append(byte[] payload, String trackId) throws IOException {
    appendAll(java.util.Collections.singletonList(payload), trackId);
  }

  /**
   * Appends records with one force for all of them. A crash may keep any prefix of them, which
   * replays like the same records appended one by one.
   */
  void appendAll(List<byte[]> payloads, String trackId) throws IOException {
    if (failed) {
      throw new IOException("the index journal failed earlier; reopen the offline manager");
    }
    int totalBytes = 0;
    List<ByteBuffer> frames = new java.util.ArrayList<>(payloads.size());
    for (byte[] payload : payloads) {
      ByteBuffer frame = frame(payload);
      frames.add(frame);
      totalBytes += frame.capacity();
    }
    long start = journalSizeBytes;
    try {
      long position = start;
      for (ByteBuffer frame : frames) {
        Durable.writeFully(journal, frame, position);
        position += frame.capacity();
      }
      journal.force(false);
    } catch (IOException e) {
      try {
        journal.truncate(start);
        journal.force(false);
      } catch (IOException truncateFailure) {
        failed = true;
        e.addSuppressed(truncateFailure);
      }
      throw e;
    }
    journalSizeBytes = start + totalBytes;
    recordsSinceSnapshot += payloads.size();
    checkpoints.onCheckpoint(Checkpoint.JOURNAL_APPENDED, trackId);
  }

  /**
   * Replaces the snapshot with {@code records} and starts an empty journal. Reports {@link
   * Checkpoint#SNAPSHOT_WRITTEN}.
   */
  void compact(List<byte[]> records) throws IOException {
    if (failed) {
      throw new IOException("the index journal failed earlier; reopen the offline manager");
    }
    long nextGeneration = generation + 1;
    Path snapshot = directory.resolve(SNAPSHOT_FILE);
    Path temporarySnapshot = directory.resolve(SNAPSHOT_FILE + TEMPORARY_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temporarySnapshot,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Durable.writeFully(channel, header(KIND_SNAPSHOT, nextGeneration));
      for (byte[] record : records) {
        Durable.writeFully(channel, frame(record));
      }
      byte[] end = new byte[FRAME_HEADER_BYTES];
      ByteBuffer.wrap(end).putInt(0).putInt(records.size());
      Durable.writeFully(channel, ByteBuffer.wrap(end));
      channel.force(true);
    }
    Durable.moveAtomically(temporarySnapshot, snapshot);
    // From here the journal on disk is stale; appending to it would lose records on replay.
    try {
      Path journalPath = directory.resolve(JOURNAL_FILE);
      writeEmptyJournal(journalPath, nextGeneration);
      journal.close();
      journal = FileChannel.open(journalPath, StandardOpenOption.WRITE);
    } catch (IOException e) {
      failed = true;
      throw e;
    }
    generation = nextGeneration;
    journalSizeBytes = HEADER_BYTES;
    recordsSinceSnapshot = 0;
    checkpoints.onCheckpoint(Checkpoint.SNAPSHOT_WRITTEN, null);
  }

  @Override
  public void close() throws IOException {
    journal.close();
  }

  private static ByteBuffer frame(byte[] payload) {
    if (payload.length == 0 || payload.length > MAX_RECORD_BYTES) {
      throw new IllegalArgumentException("record must have 1 to 4 MiB: " + payload.length);
    }
    CRC32 crc = new CRC32();
    crc.update(payload, 0, payload.length);
    // Filled through one buffer and returned through a fresh wrap, because ByteBuffer.flip()
    // returns ByteBuffer only since Java 9 and Android API 26 has the Buffer signature.
    byte[] frame = new byte[FRAME_HEADER_BYTES + payload.length];
    ByteBuffer.wrap(frame).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
    return ByteBuffer.wrap(frame);
  }

  private static ByteBuffer header(byte kind, long generation) {
    byte[] header = new byte[HEADER_BYTES];
    ByteBuffer fields = ByteBuffer.wrap(header);
    fields.putInt(MAGIC).putInt(FORMAT_VERSION).put(kind).putLong(generation);
    CRC32 crc = new CRC32();
    crc.update(header, 0, HEADER_BYTES - 4);
    fields.putInt((int) crc.getValue());
    return ByteBuffer.wrap(header);
  }

  private static void writeEmptyJournal(Path journalPath, long generation) throws IOException {
    Durable.writeAtomically(journalPath, header(KIND_JOURNAL, generation).array());
  }

  private static long readHeader(Path file, byte expectedKind) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      DataInputStream data = new DataInputStream(in);
      return readHeader(file, data, expectedKind);
    }
  }

  private static long readHeader(Path file, DataInputStream data, byte expectedKind)
      throws IOException {
    byte[] header = new byte[HEADER_BYTES];
    try {
      data.readFully(header);
    } catch (EOFException e) {
      throw corrupt(file, "the header is truncated", e);
    }
    ByteBuffer buffer = ByteBuffer.wrap(header);
    int magic = buffer.getInt();
    int version = buffer.getInt();
    byte kind = buffer.get();
    long generation = buffer.getLong();
    int storedCrc = buffer.getInt();
    CRC32 crc = new CRC32();
    crc.update(header, 0, HEADER_BYTES - 4);
    if (magic != MAGIC || (int) crc.getValue() != storedCrc) {
      throw corrupt(file, "the header is damaged", null);
    }
    if (version != FORMAT_VERSION) {
      throw corrupt(file, "format version " + version + " is not supported", null);
    }
    if (kind != expectedKind) {
      throw corrupt(file, "the file kind is " + kind + ", expected " + expectedKind, null);
    }
    return generation;
  }

  private static long replaySnapshot(Path snapshot, RecordConsumer consumer) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(snapshot), 64 * 1024)) {
      DataInputStream data = new DataInputStream(in);
      long generation = readHeader(snapshot, data, KIND_SNAPSHOT);
      int count = 0;
      while (true) {
        int length;
        int crcField;
        try {
          length = data.readInt();
          crcField = data.readInt();
        } catch (EOFException e) {
          throw corrupt(snapshot, "the end marker is missing after " + count + " records", e);
        }
        if (length == 0) {
          if (crcField != count) {
            throw corrupt(
                snapshot, "the end marker counts " + crcField + " records, read " + count, null);
          }
          return generation;
        }
        byte[] payload = readPayload(data, length, crcField);
        if (payload == null) {
          throw corrupt(snapshot, "record " + count + " is damaged", null);
        }
        applyReplayed(snapshot, consumer, payload, count);
        count++;
      }
    }
  }

  /** Returns {end offset of the last good frame, number of good frames}. */
  private static long[] replayJournal(Path journalPath, RecordConsumer consumer)
      throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(journalPath), 64 * 1024)) {
      DataInputStream data = new DataInputStream(in);
      readHeader(journalPath, data, KIND_JOURNAL);
      long validEnd = HEADER_BYTES;
      long count = 0;
      while (true) {
        int length;
        int crcField;
        try {
          length = data.readInt();
          crcField = data.readInt();
        } catch (EOFException e) {
          break;
        }
        byte[] payload = readPayload(data, length, crcField);
        if (payload == null) {
          break;
        }
        applyReplayed(journalPath, consumer, payload, count);
        validEnd += FRAME_HEADER_BYTES + length;
        count++;
      }
      return new long[] {validEnd, count};
    }
  }

  /** Reads and checks one payload; returns null when it is short, oversized or fails its CRC. */
  private static byte[] readPayload(DataInputStream data, int length, int crcField)
      throws IOException {
    if (length <= 0 || length > MAX_RECORD_BYTES) {
      return null;
    }
    byte[] payload = new byte[length];
    try {
      data.readFully(payload);
    } catch (EOFException e) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(payload, 0, length);
    return (int) crc.getValue() == crcField ? payload : null;
  }

  private static void applyReplayed(Path file, RecordConsumer consumer, byte[] payload, long index)
      throws IOException {
    try {
      consumer.accept(payload);
    } catch (OfflineException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(file, "record " + index + " cannot be decoded", e);
    }
  }

  private static void deleteTemporaryFiles(Path directory) throws IOException {
    try (DirectoryStream<Path> temporaries =
        Files.newDirectoryStream(directory, "*" + TEMPORARY_SUFFIX)) {
      for (Path temporary : temporaries) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  private static OfflineException corrupt(Path file, String problem, Throwable cause) {
    return new OfflineException(
        OfflineException.Reason.INDEX_CORRUPT,
        "Download index file " + file + " is damaged: " + problem,
        cause);
  }
}
