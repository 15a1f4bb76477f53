package dev.tonearm.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.sync.SyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {
  @TempDir Path directory;

  @Test
  void openOwnerOnly_createsAndRewritesOwnerOnly() throws IOException {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
    Path file = directory.resolve("log");
    Path staleTemporary = directory.resolve("log.tmp");
    Files.write(staleTemporary, bytes("left by a crash"));
    Files.setPosixFilePermissions(staleTemporary, PosixFilePermissions.fromString("rw-r--r--"));

    try (RecordLog log = RecordLog.openOwnerOnly(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      assertThat(permissions(file)).isEqualTo("rw-------");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      log.append(bytes("one"));
      Files.write(staleTemporary, bytes("left by a crash"));
      Files.setPosixFilePermissions(staleTemporary, PosixFilePermissions.fromString("rw-r--r--"));

      log.rewrite(Arrays.asList(bytes("two")));

      assertThat(permissions(file)).isEqualTo("rw-------");
      assertThat(staleTemporary).doesNotExist();
    }
    try (RecordLog log = RecordLog.openOwnerOnly(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      assertThat(strings(log.recoveredRecords())).containsExactly("two");
    }
  }

  @Test
  void appendThenReopen_returnsRecordsInOrder() throws IOException {
    Path file = directory.resolve("log");
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      log.append(bytes("one"));
      log.appendAll(Arrays.asList(bytes("two"), bytes("three")));
      assertThat(log.recordCount()).isEqualTo(3);
    }

    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      assertThat(strings(log.recoveredRecords())).containsExactly("one", "two", "three");
      assertThat(log.droppedBytesAtOpen()).isZero();
    }
  }

  @Test
  void truncatedAtEveryByte_recoversCompleteRecords() throws IOException {
    Path file = directory.resolve("log");
    List<Long> recordEnds = new ArrayList<>();
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      recordEnds.add(log.sizeBytes());
      for (int i = 0; i < 5; i++) {
        log.append(bytes("record-" + i + "-" + "x".repeat(i * 7)));
        recordEnds.add(log.sizeBytes());
      }
    }
    byte[] full = Files.readAllBytes(file);

    for (int length = 8; length <= full.length; length++) {
      Files.write(file, Arrays.copyOf(full, length));
      int complete = 0;
      while (complete + 1 < recordEnds.size() && recordEnds.get(complete + 1) <= length) {
        complete++;
      }

      try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
        assertThat(log.recoveredRecords()).as("records at length %d", length).hasSize(complete);
        assertThat(log.droppedBytesAtOpen()).isEqualTo(length - recordEnds.get(complete));
        assertThat(Files.size(file)).isEqualTo(recordEnds.get(complete));
        log.append(bytes("after"));
      }
      try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
        List<String> records = strings(log.recoveredRecords());
        assertThat(records).hasSize(complete + 1);
        assertThat(records.get(complete)).isEqualTo("after");
      }
    }
  }

  @Test
  void flippedBitInLastRecord_dropsIt() throws IOException {
    Path file = directory.resolve("log");
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      log.append(bytes("first"));
      log.append(bytes("second"));
    }
    byte[] content = Files.readAllBytes(file);
    content[content.length - 2] ^= 0x10;
    Files.write(file, content);

    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      assertThat(strings(log.recoveredRecords())).containsExactly("first");
      assertThat(log.droppedBytesAtOpen()).isEqualTo(8 + "second".length());
    }
  }

  @Test
  void lengthAboveMaximum_treatedAsTornTail() throws IOException {
    Path file = directory.resolve("log");
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      log.append(bytes("first"));
    }
    byte[] content = Files.readAllBytes(file);
    byte[] withGarbage = Arrays.copyOf(content, content.length + 12);
    withGarbage[content.length] = 0x7f;
    Files.write(file, withGarbage);

    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      assertThat(strings(log.recoveredRecords())).containsExactly("first");
      assertThat(log.droppedBytesAtOpen()).isEqualTo(12);
    }
  }

  @Test
  void foreignFile_rejectedAsCorruptStorage() throws IOException {
    Path file = directory.resolve("log");
    Files.write(file, bytes("not a record log at all"));

    assertThatThrownBy(() -> RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.CORRUPT_STORAGE));
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes("not a record log at all"));
  }

  @Test
  void rewrite_replacesContentAndRemovesStaleTemporaryFile() throws IOException {
    Path file = directory.resolve("log");
    Files.write(directory.resolve("log.tmp"), bytes("left by a crash during rewrite"));
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      assertThat(Files.exists(directory.resolve("log.tmp"))).isFalse();
      log.append(bytes("old"));
      log.rewrite(Arrays.asList(bytes("new-1"), bytes("new-2")));
      log.append(bytes("new-3"));
    }

    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.ALWAYS, 1024)) {
      assertThat(strings(log.recoveredRecords())).containsExactly("new-1", "new-2", "new-3");
    }
  }

  @Test
  void recordOutsideSizeLimits_rejected() throws IOException {
    try (RecordLog log =
        RecordLog.open(directory.resolve("log"), RecordLog.FsyncPolicy.NEVER, 16)) {
      assertThatThrownBy(() -> log.append(new byte[17]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1..16 bytes: 17");
      assertThatThrownBy(() -> log.append(new byte[0]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> strings(List<byte[]> records) {
    List<String> result = new ArrayList<>();
    for (byte[] record : records) {
      result.add(new String(record, StandardCharsets.UTF_8));
    }
    return result;
  }

  private static String permissions(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
