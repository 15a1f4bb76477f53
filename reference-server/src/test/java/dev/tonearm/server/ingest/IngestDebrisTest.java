package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.DataDirectory;
import dev.tonearm.server.DataDirectoryListing;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest is all or nothing on disk: a rejected or failed ingest leaves no new file in the data
 * directory, whether it fails in an encoder, while indexing a rendition or when saving the track
 * record. Some cases replace {@code oggenc} and {@code flac} with shell scripts, because the real
 * tools cannot be made to fail or to write broken output on demand.
 */
class IngestDebrisTest {
  @TempDir Path tempDir;
  private DataDirectory dataDirectory;
  private FileCatalogRepository catalog;
  private FileKeyManagementService keys;
  private IngestService ingest;

  @BeforeEach
  void openDataDirectory() throws Exception {
    dataDirectory = new DataDirectory(tempDir.resolve("data")).create();
    catalog = new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir());
    keys = FileKeyManagementService.open(dataDirectory.keysDir());
  }

  @AfterEach
  void closeService() {
    if (ingest != null) {
      ingest.close();
    }
  }

  private IngestService service(ExternalTools tools) {
    ingest =
        IngestService.builder()
            .dataDirectory(dataDirectory)
            .catalog(catalog)
            .keyManagementService(keys)
            .tools(tools)
            .vorbisLadderKbps(List.of(96))
            .encodeThreads(2)
            .build();
    return ingest;
  }

  @Test
  void trackRecordWriteFails_leavesNoFiles() throws Exception {
    ExternalTools tools = ExternalTools.fromEnvironment();
    assumeTrue(tools.has("flac"), "flac is not on the PATH (Debian package flac)");
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    blockTrackRecord(dataDirectory, flac);
    List<String> before = DataDirectoryListing.files(dataDirectory.root());

    assertThatThrownBy(() -> service(tools).ingest(flac, Map.of()))
        .isInstanceOf(IOException.class);

    assertThat(DataDirectoryListing.files(dataDirectory.root())).isEqualTo(before);
    assertThat(DataDirectoryListing.folders(dataDirectory.objectsDir())).isEmpty();
    assertThat(DataDirectoryListing.folders(dataDirectory.sourcesDir())).isEmpty();
    assertThat(DataDirectoryListing.folders(dataDirectory.tmpDir())).isEmpty();
  }

  @Test
  void failingEncoders_wavRejectedWithoutFiles() throws Exception {
    Path tools = fakeTools("exit 1", null, null);
    Path wav =
        TestAudio.writeWav(
            tempDir.resolve("tone.wav"), 44_100, 2, 88_200, TestAudio.sine(44_100, 440, 0.5));
    List<String> before = DataDirectoryListing.files(dataDirectory.root());

    assertThatThrownBy(() -> service(toolsIn(tools)).ingest(wav, Map.of()))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> assertThat(e.reason()).isEqualTo(IngestException.Reason.TOOL_UNAVAILABLE));

    assertThat(DataDirectoryListing.files(dataDirectory.root())).isEqualTo(before);
    assertThat(DataDirectoryListing.folders(dataDirectory.tmpDir())).isEmpty();
  }

  @Test
  void brokenRendition_waitsForOtherEncoders() throws Exception {
    Path started = tempDir.resolve("flac-started");
    Path finished = tempDir.resolve("flac-finished");
    // oggenc exits 0 after writing bytes that are not Ogg, once flac has started, so indexing that
    // rendition fails while flac still writes its output in the work folder. The one-second pause
    // makes flac outlast the failure; the test relies on it only to fail without the wait.
    Path tools =
        fakeTools(
            "i=0; while [ ! -e " + started + " ] && [ $i -lt 600 ]; do\n"
                + "  sleep 0.1; i=$((i+1))\n"
                + "done\n"
                + "exit 0",
            "sleep 1; printf 'more' >> \"$out\"; touch " + finished,
            started);
    Path wav =
        TestAudio.writeWav(
            tempDir.resolve("tone.wav"), 44_100, 2, 88_200, TestAudio.sine(44_100, 440, 0.5));
    List<String> before = DataDirectoryListing.files(dataDirectory.root());

    assertThatThrownBy(() -> service(toolsIn(tools)).ingest(wav, Map.of()))
        .isInstanceOf(IngestException.class);

    assertThat(finished).exists();
    assertThat(DataDirectoryListing.files(dataDirectory.root())).isEqualTo(before);
    assertThat(DataDirectoryListing.folders(dataDirectory.tmpDir())).isEmpty();
  }

  @Test
  void staleWorkFolders_deleted() throws Exception {
    Path stale = Files.createDirectories(dataDirectory.tmpDir().resolve("ingest-123/renditions"));
    Files.writeString(stale.resolve("vorbis-96.ogg"), "partial");

    int deleted = service(ExternalTools.fromEnvironment()).deleteStaleWorkDirectories();

    assertThat(deleted).isEqualTo(1);
    assertThat(DataDirectoryListing.folders(dataDirectory.tmpDir())).isEmpty();
  }

  /**
   * Makes the save of {@code source}'s track record fail: the catalog writes each record to a
   * {@code .tmp} file first, and a folder in that place cannot be written as a file.
   */
  public static void blockTrackRecord(DataDirectory dataDirectory, Path source)
      throws IOException {
    String trackId = "t-" + ChunkDigests.sha256Of(source).substring(0, 12);
    Files.createDirectories(dataDirectory.tracksDir().resolve(trackId + ".json.tmp"));
  }

  private static ExternalTools toolsIn(Path folder) {
    return new ExternalTools(List.of(folder), Duration.ofMinutes(1));
  }

  /**
   * Writes fake {@code oggenc} and, when {@code flacTail} is set, {@code flac} scripts. Each writes
   * a few bytes that are not audio to the file after {@code -o}, then runs its tail. The fake
   * {@code flac} first creates {@code flacStarted} when that is set.
   */
  private Path fakeTools(String oggencTail, String flacTail, Path flacStarted) throws IOException {
    Path folder = Files.createDirectories(tempDir.resolve("fake-tools"));
    writeScript(folder.resolve("oggenc"), "", oggencTail);
    if (flacTail != null) {
      String head = flacStarted != null ? "touch " + flacStarted + "\n" : "";
      writeScript(folder.resolve("flac"), head, flacTail);
    }
    return folder;
  }

  private static void writeScript(Path file, String head, String tail) throws IOException {
    String script =
        "#!/bin/sh\n"
            + head
            + "out=\n"
            + "while [ $# -gt 0 ]; do\n"
            + "  if [ \"$1\" = -o ]; then out=\"$2\"; fi\n"
            + "  shift\n"
            + "done\n"
            + "printf 'partial output' > \"$out\"\n"
            + tail
            + "\n";
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }
}
