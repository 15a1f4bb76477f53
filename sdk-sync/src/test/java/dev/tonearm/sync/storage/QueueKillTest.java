package dev.tonearm.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.Op;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kills a child JVM ({@link QueueWriterMain}) with SIGKILL at seeded points while it appends to and
 * acknowledges a queue, then recovers the queue and checks that every operation the child reported
 * as appended and not acknowledged is there, unchanged and in order.
 */
class QueueKillTest {
  private static final int ROUNDS = 8;

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({"ALWAYS, 11", "NEVER, 12", "NEVER, 13"})
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void killedWriter_loosesNoReportedOp(RecordLog.FsyncPolicy policy, long seed) throws Exception {
    Path file = directory.resolve("queue");
    Random random = new Random(seed);
    long lastAppended = 0;
    long lastAcknowledged = 0;
    long lastAcknowledgeStarted = 0;

    for (int round = 0; round < ROUNDS; round++) {
      int killAfterLines = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(400);
      Process child = startWriter(file, policy, random.nextLong(), lastAppended);
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        assertThat(line).as("child start-up line").startsWith("READY ");
        while (lines.size() < killAfterLines && (line = out.readLine()) != null) {
          lines.add(line);
        }
        // Through the handle: Process.destroyForcibly() would also close the output pipe.
        child.toHandle().destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // The child ran on until the kill: read everything it printed before it died.
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      }
      for (String line : lines) {
        if (!line.endsWith(" ok")) {
          continue; // cut short by the kill: the call it reports may not have returned
        }
        long counter = Long.parseLong(line.substring(2, line.length() - 3));
        if (line.startsWith("A ")) {
          lastAppended = Math.max(lastAppended, counter);
        } else if (line.startsWith("S ")) {
          lastAcknowledgeStarted = Math.max(lastAcknowledgeStarted, counter);
        } else {
          lastAcknowledged = Math.max(lastAcknowledged, counter);
        }
      }

      List<Op> recovered;
      try (PendingOpQueue queue = PendingOpQueue.open(file, policy)) {
        recovered = queue.pending();
      }
      assertRecovered(recovered, lastAppended, lastAcknowledged, lastAcknowledgeStarted, round);
    }
  }

  /**
   * Checks the recovered queue against what the child reported. An acknowledgement that started but
   * did not report may or may not have trimmed its operations, so only operations above the last
   * started acknowledgement must be present.
   */
  private static void assertRecovered(
      List<Op> recovered,
      long lastAppended,
      long lastAcknowledged,
      long lastAcknowledgeStarted,
      int round) {
    List<Long> counters = new ArrayList<>();
    for (Op op : recovered) {
      counters.add(op.id().counter());
      assertThat(op).as("content of op %s", op.id()).isEqualTo(QueueTestOps.op(op.id().counter()));
    }
    for (int i = 1; i < counters.size(); i++) {
      assertThat(counters.get(i))
          .as("counters after round %d: %s", round, counters)
          .isEqualTo(counters.get(i - 1) + 1);
    }
    for (long counter = lastAcknowledgeStarted + 1; counter <= lastAppended; counter++) {
      assertThat(counters).as("reported op %d after round %d", counter, round).contains(counter);
    }
    if (!counters.isEmpty()) {
      assertThat(counters.get(0))
          .as("first op after round %d", round)
          .isGreaterThan(lastAcknowledged);
      assertThat(counters.get(counters.size() - 1)).isLessThanOrEqualTo(lastAppended + 1);
    }
  }

  private Process startWriter(Path file, RecordLog.FsyncPolicy policy, long seed, long lastAppended)
      throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            QueueWriterMain.class.getName(),
            file.toString(),
            policy.name(),
            Long.toString(seed),
            Long.toString(lastAppended));
    builder.redirectError(directory.resolve("writer-stderr.txt").toFile());
    return builder.start();
  }
}
