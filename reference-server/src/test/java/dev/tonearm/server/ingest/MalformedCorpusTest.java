package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.DataDirectory;
import dev.tonearm.server.DataDirectoryListing;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ingest of every malformed or malicious Ogg Vorbis and FLAC file in the test corpus, through the
 * real SDK decoders and codec tools. Each file is either rejected with the reason that fits its
 * damage, leaving the data directory as it was, or ingested. The timeout only guards against a
 * hang and is far above the time any of these files needs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedCorpusTest {
  @TempDir Path tempDir;
  private DataDirectory dataDirectory;
  private IngestService ingest;

  @BeforeEach
  void createService() throws Exception {
    dataDirectory = new DataDirectory(tempDir.resolve("data")).create();
    ingest =
        IngestService.builder()
            .dataDirectory(dataDirectory)
            .catalog(
                new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir()))
            .keyManagementService(FileKeyManagementService.open(dataDirectory.keysDir()))
            .vorbisLadderKbps(List.of(96))
            .encodeThreads(2)
            .build();
  }

  @AfterEach
  void closeService() {
    ingest.close();
  }

  /** Corpus path and expected reason; a null reason means that the file is ingested. */
  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        // Malicious setup header: the floor 1 X list is longer than the decoder limit of 65.
        Arguments.of("ogg-vorbis/libnogg/floor1-x-array-overflow.ogg", "CORRUPT"),
        Arguments.of("ogg-vorbis/libnogg/square-interleaved.ogg", "UNSUPPORTED_FORMAT"),
        Arguments.of("ogg-vorbis/libnogg/square-with-junk.ogg", "CORRUPT"),
        // A 4000 Hz stream with a corrupt continued-packet flag; the rate check comes first.
        Arguments.of("ogg-vorbis/libnogg/bad-continued-packet-flag.ogg", "UNSUPPORTED_SAMPLE_RATE"),
        Arguments.of("ogg-vorbis/libnogg/sample-rate-max.ogg", "UNSUPPORTED_SAMPLE_RATE"),
        Arguments.of("ogg-vorbis/libnogg/zero-length.ogg", "TOO_SHORT"),
        Arguments.of("ogg-vorbis/xiph-test-vectors/test-short2.ogg", "TRUNCATED"),
        Arguments.of("ogg-vorbis/xiph-test-vectors/one-entry-codebook-test.ogg", "TRUNCATED"),
        Arguments.of("ogg-vorbis/xiph-test-vectors/unused-mode-test.ogg", "CORRUPT"),
        Arguments.of("ogg-vorbis/xiph-test-vectors/chain-test1.ogg", "UNSUPPORTED_FORMAT"),
        Arguments.of("ogg-vorbis/xiph-test-vectors/chain-test3.ogg", "UNSUPPORTED_FORMAT"),
        Arguments.of("flac-test-files/faulty/01 - wrong max blocksize.flac", "TRUNCATED"),
        Arguments.of("flac-test-files/faulty/02 - wrong maximum framesize.flac", null),
        Arguments.of("flac-test-files/faulty/03 - wrong bit depth.flac", "CORRUPT"),
        Arguments.of("flac-test-files/faulty/04 - wrong number of channels.flac", "UNSUPPORTED_CHANNELS"),
        Arguments.of("flac-test-files/faulty/05 - wrong total number of samples.flac", "CORRUPT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFiles")
  void malformedFile_rejectedOrIngested(String path, String expectedReason)
      throws Exception {
    Path file = Corpus.require(path);
    List<String> before = DataDirectoryListing.files(dataDirectory.root());

    if (expectedReason == null) {
      IngestResult result = ingest.ingest(file, Map.of());
      assertThat(result.track().renditions()).isNotEmpty();
      return;
    }
    assertThatThrownBy(() -> ingest.ingest(file, Map.of()))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> assertThat(e.reason().name()).isEqualTo(expectedReason));
    assertThat(DataDirectoryListing.files(dataDirectory.root())).isEqualTo(before);
  }

  @Test
  void floor1Overflow_namesDecoderReason() throws Exception {
    Path file = Corpus.require("ogg-vorbis/libnogg/floor1-x-array-overflow.ogg");

    assertThatThrownBy(() -> ingest.ingest(file, Map.of()))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(IngestException.Reason.CORRUPT);
              assertThat(e.getMessage()).contains("floor 1");
            });
  }

  @Test
  void shortCleanStream_rejectedAsTooShort() throws Exception {
    // 1492 frames at 44.1 kHz (34 ms) that decode without a warning.
    Path file = Corpus.require("ogg-vorbis/libnogg/split-packet.ogg");

    assertThatThrownBy(() -> ingest.ingest(file, Map.of()))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> assertThat(e.reason()).isEqualTo(IngestException.Reason.TOO_SHORT));
  }
}
