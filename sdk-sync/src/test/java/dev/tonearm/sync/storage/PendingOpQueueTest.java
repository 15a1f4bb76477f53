package dev.tonearm.sync.storage;

import static dev.tonearm.sync.storage.QueueTestOps.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.SyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingOpQueueTest {
  @TempDir Path directory;

  @Test
  void appendAcknowledgeReopen_keepsUnacknowledgedOps() throws IOException {
    Path file = directory.resolve("queue");
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.ALWAYS)) {
      queue.append(op(1));
      queue.appendAll(Arrays.asList(op(2), op(3), op(4)));
      queue.acknowledgeThrough(2);
      assertThat(queue.pending()).containsExactly(op(3), op(4));
    }

    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.ALWAYS)) {
      assertThat(queue.pending()).containsExactly(op(3), op(4));
    }
  }

  @Test
  void manyAcknowledgements_compactTheFile() throws IOException {
    Path file = directory.resolve("queue");
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      for (long counter = 1; counter <= 1_000; counter++) {
        queue.append(op(counter));
        if (counter % 10 == 0) {
          queue.acknowledgeThrough(counter - 5);
        }
      }
      assertThat(queue.size()).isEqualTo(5);
    }

    long maxExpectedBytes = 64 * 3 * 256;
    assertThat(Files.size(file)).isLessThan(maxExpectedBytes);
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      assertThat(queue.pending()).containsExactly(op(996), op(997), op(998), op(999), op(1000));
    }
  }

  @Test
  void clear_dropsEverything() throws IOException {
    Path file = directory.resolve("queue");
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      queue.append(op(1));
      queue.clear();
    }

    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      assertThat(queue.isEmpty()).isTrue();
    }
  }

  @Test
  void appendOutOfCounterOrder_rejected() throws IOException {
    try (PendingOpQueue queue =
        PendingOpQueue.open(directory.resolve("queue"), RecordLog.FsyncPolicy.NEVER)) {
      queue.append(op(2));

      assertThatThrownBy(() -> queue.append(op(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("counter order");
      assertThat(queue.pending()).containsExactly(op(2));
    }
  }

  @Test
  void undecodableRecord_isCorruptStorage() throws IOException {
    Path file = directory.resolve("queue");
    try (RecordLog log = RecordLog.open(file, RecordLog.FsyncPolicy.NEVER, 1024)) {
      log.append("O{\"kind\":\"add\"".getBytes(StandardCharsets.UTF_8));
    }

    assertThatThrownBy(() -> PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.CORRUPT_STORAGE));
  }

  @Test
  void tornLastAppend_recoversEarlierOps() throws IOException {
    Path file = directory.resolve("queue");
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      queue.append(op(1));
      queue.append(op(2));
    }
    byte[] content = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(content, content.length - 3));

    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      assertThat(queue.pending()).containsExactly(op(1));
      assertThat(queue.droppedBytesAtOpen()).isPositive();
      queue.append(op(2));
    }
    try (PendingOpQueue queue = PendingOpQueue.open(file, RecordLog.FsyncPolicy.NEVER)) {
      List<Op> expected = new ArrayList<>(Collections.singletonList(op(1)));
      expected.add(op(2));
      assertThat(queue.pending()).isEqualTo(expected);
    }
  }
}
