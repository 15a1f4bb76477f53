package dev.tonearm.offline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.offline.CheckpointObserver;
import dev.tonearm.offline.DownloadState;
import dev.tonearm.offline.LicenceTerms;
import dev.tonearm.offline.OfflineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadIndexTest {
  @TempDir Path directory;

  private static Grant grant(String trackId) {
    byte[][] digests = new byte[3][32];
    for (int i = 0; i < digests.length; i++) {
      Arrays.fill(digests[i], (byte) (i + trackId.hashCode()));
    }
    return new Grant(
        trackId,
        "vorbis-160",
        "k-" + trackId,
        Arrays.asList("http://127.0.0.1:1/a", "http://127.0.0.1:2/a"),
        2 * 4096 + 100,
        4096,
        digests,
        true);
  }

  private DownloadIndex open() throws IOException {
    return DownloadIndex.open(directory, CheckpointObserver.NONE);
  }

  /** Describes the index state as text, for comparing two indexes. */
  private static String describe(DownloadIndex index) {
    StringBuilder out = new StringBuilder();
    for (IndexEntry entry : index.entries()) {
      out.append(entry.trackId())
          .append(':')
          .append(entry.state())
          .append(':')
          .append(entry.failureReason())
          .append(':')
          .append(entry.requestedAtMs());
      Grant grant = entry.grant();
      if (grant != null) {
        out.append(':')
            .append(grant.keyId())
            .append(':')
            .append(grant.urls())
            .append(':')
            .append(grant.sizeBytes())
            .append(':')
            .append(grant.chunkSha256Hex())
            .append(':')
            .append(grant.hasManifest());
      }
      out.append('\n');
    }
    out.append("licence=").append(index.licence()).append('\n');
    out.append("lock=").append(index.lockReason()).append('\n');
    out.append("releases=").append(index.pendingReleases()).append('\n');
    out.append("quota=").append(index.quotaBytes()).append('\n');
    return out.toString();
  }

  /** Applies a fixed history touching every record type; returns the states after each step. */
  private static List<String> writeHistory(DownloadIndex index) throws IOException {
    List<String> states = new ArrayList<>();
    states.add(describe(index));
    index.request("t-1", 1000);
    states.add(describe(index));
    index.request("t-2", 1001);
    states.add(describe(index));
    index.grant(grant("t-1"));
    states.add(describe(index));
    index.setState("t-1", DownloadState.DOWNLOADED, null);
    states.add(describe(index));
    index.setLicence(new LicenceTerms(5_000, 9_000));
    states.add(describe(index));
    index.setState("t-1", DownloadState.AVAILABLE, null);
    states.add(describe(index));
    index.setState("t-2", DownloadState.FAILED, OfflineException.Reason.TRACK_LIMIT);
    states.add(describe(index));
    index.addPendingRelease("t-2");
    states.add(describe(index));
    index.setLock(OfflineException.Reason.PREMIUM_REQUIRED);
    states.add(describe(index));
    index.setQuotaBytes(60L * 1024 * 1024);
    states.add(describe(index));
    index.wipeKeys();
    states.add(describe(index));
    index.setLock(null);
    states.add(describe(index));
    index.removePendingRelease("t-2");
    states.add(describe(index));
    index.remove("t-2");
    states.add(describe(index));
    return states;
  }

  @Test
  void open_afterChanges_replaysTheSameState() throws IOException {
    String expected;
    try (DownloadIndex index = open()) {
      writeHistory(index);
      expected = describe(index);
    }

    try (DownloadIndex reopened = open()) {
      assertThat(describe(reopened)).isEqualTo(expected);
      assertThat(reopened.entry("t-1").state()).isEqualTo(DownloadState.DOWNLOADED);
      assertThat(reopened.entry("t-2")).isNull();
      assertThat(reopened.quotaBytes()).isEqualTo(60L * 1024 * 1024);
    }
  }

  @Test
  void open_journalCutAtEveryByte_recoversPrefix() throws IOException {
    List<String> states;
    try (DownloadIndex index = open()) {
      states = writeHistory(index);
    }
    Path journal = directory.resolve(IndexJournal.JOURNAL_FILE);
    byte[] full = Files.readAllBytes(journal);
    Path copy = directory.resolveSibling(directory.getFileName() + "-cut");

    int previousStep = 0;
    for (int length = IndexJournal.HEADER_BYTES; length <= full.length; length++) {
      Files.createDirectories(copy);
      Files.write(copy.resolve(IndexJournal.JOURNAL_FILE), Arrays.copyOf(full, length));
      try (DownloadIndex cut = DownloadIndex.open(copy, CheckpointObserver.NONE)) {
        int step = states.indexOf(describe(cut));
        assertThat(step).as("state after cutting at %d bytes", length).isGreaterThanOrEqualTo(0);
        assertThat(step)
            .as("step never goes back as the cut moves on")
            .isGreaterThanOrEqualTo(previousStep);
        previousStep = step;
        if (length % 7 == 0) {
          // The torn tail is cut away, so a new record lands after the last whole one. Checked
          // at every seventh cut only, because each check costs two forced writes.
          cut.request("t-after", 2000);
        }
      }
      if (length % 7 == 0) {
        try (DownloadIndex again = DownloadIndex.open(copy, CheckpointObserver.NONE)) {
          assertThat(again.entry("t-after")).isNotNull();
        }
      }
    }
    assertThat(previousStep).isEqualTo(states.size() - 1);
  }

  @Test
  void open_flippedBitInLastRecord_dropsOnlyThatRecord() throws IOException {
    List<String> states;
    try (DownloadIndex index = open()) {
      states = writeHistory(index);
    }
    Path journal = directory.resolve(IndexJournal.JOURNAL_FILE);
    byte[] bytes = Files.readAllBytes(journal);
    bytes[bytes.length - 2] ^= 0x10;
    Files.write(journal, bytes);

    try (DownloadIndex reopened = open()) {
      assertThat(describe(reopened)).isEqualTo(states.get(states.size() - 2));
    }
  }

  @Test
  void compact_manyRecords_writesSnapshotAndKeepsState() throws IOException {
    String expected;
    try (DownloadIndex index = open()) {
      List<String> repeated = new ArrayList<>();
      for (int i = 0; i < DownloadIndex.COMPACT_MIN_RECORDS + 10; i++) {
        repeated.add("t-" + (i % 50));
      }
      index.requestAll(repeated, 7);
      writeHistory(index);
      assertThat(index.recordsSinceSnapshot()).isLessThan(DownloadIndex.COMPACT_MIN_RECORDS);
      expected = describe(index);
    }

    assertThat(Files.exists(directory.resolve(IndexJournal.SNAPSHOT_FILE))).isTrue();
    try (DownloadIndex reopened = open()) {
      assertThat(describe(reopened)).isEqualTo(expected);
    }
  }

  @Test
  void open_staleJournalBesideNewerSnapshot_isIgnored() throws IOException {
    // Simulates a crash after the new snapshot was renamed but before the journal was replaced.
    Path journal = directory.resolve(IndexJournal.JOURNAL_FILE);
    String expected;
    try (DownloadIndex index = open()) {
      writeHistory(index);
      byte[] staleJournal = Files.readAllBytes(journal);
      index.compact();
      expected = describe(index);
      Files.write(journal, staleJournal);
    }

    try (DownloadIndex reopened = open()) {
      assertThat(describe(reopened)).isEqualTo(expected);
      reopened.request("t-new", 3000);
    }
    try (DownloadIndex again = open()) {
      assertThat(again.entry("t-new")).isNotNull();
      assertThat(again.entry("t-1").state()).isEqualTo(DownloadState.DOWNLOADED);
    }
  }

  @Test
  void open_damagedSnapshot_failsIndexCorrupt() throws IOException {
    try (DownloadIndex index = open()) {
      writeHistory(index);
      index.compact();
    }
    Path snapshot = directory.resolve(IndexJournal.SNAPSHOT_FILE);
    byte[] bytes = Files.readAllBytes(snapshot);
    Files.write(snapshot, Arrays.copyOf(bytes, bytes.length - 3));

    assertThatThrownBy(this::open)
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("end marker is missing")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INDEX_CORRUPT);
  }

  @Test
  void open_foreignFileAsJournal_failsIndexCorrupt() throws IOException {
    Files.createDirectories(directory);
    Files.write(
        directory.resolve(IndexJournal.JOURNAL_FILE),
        "this is a text file, not a download index".getBytes("UTF-8"));

    assertThatThrownBy(this::open)
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("header is damaged")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INDEX_CORRUPT);
  }

  @Test
  void open_oversizedLengthInTail_isTreatedAsTornTail() throws IOException {
    try (DownloadIndex index = open()) {
      index.request("t-1", 1);
    }
    Path journal = directory.resolve(IndexJournal.JOURNAL_FILE);
    try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.APPEND)) {
      channel.write(java.nio.ByteBuffer.wrap(new byte[] {0x7f, 0x7f, 0x7f, 0x7f, 0, 0, 0, 0}));
    }

    try (DownloadIndex reopened = open()) {
      assertThat(reopened.entries()).hasSize(1);
    }
    assertThat(Files.size(journal)).isLessThan(IndexJournal.HEADER_BYTES + 40);
  }

  @Test
  void setState_downloading_isNotPersisted() throws IOException {
    try (DownloadIndex index = open()) {
      index.request("t-1", 1);
      index.grant(grant("t-1"));
      index.setState("t-1", DownloadState.DOWNLOADING, null);
      assertThat(index.entry("t-1").state()).isEqualTo(DownloadState.DOWNLOADING);
    }

    try (DownloadIndex reopened = open()) {
      assertThat(reopened.entry("t-1").state()).isEqualTo(DownloadState.QUEUED);
    }
  }

  @Test
  void request_failedTrack_restartsAtQueueEnd() throws IOException {
    try (DownloadIndex index = open()) {
      index.request("t-1", 1);
      index.request("t-2", 2);
      index.grant(grant("t-1"));
      index.setState("t-1", DownloadState.FAILED, OfflineException.Reason.NETWORK_ERROR);

      index.request("t-1", 3);

      List<String> order = new ArrayList<>();
      for (IndexEntry entry : index.entries()) {
        order.add(entry.trackId());
      }
      assertThat(order).containsExactly("t-2", "t-1");
      assertThat(index.entry("t-1").grant()).isNull();
      assertThat(index.entry("t-1").state()).isEqualTo(DownloadState.REQUESTED);
      assertThat(index.entry("t-1").failureReason()).isNull();
    }
  }
}
