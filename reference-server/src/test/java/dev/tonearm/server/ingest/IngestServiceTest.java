package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.server.DataDirectory;
import dev.tonearm.server.StoredObjects;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.SeekPoint;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest of real and synthetic files through the real codec tools. */
class IngestServiceTest {
  @TempDir Path tempDir;
  private DataDirectory dataDirectory;
  private FileCatalogRepository catalog;
  private FileKeyManagementService keys;
  private IngestService ingest;
  private final ExternalTools tools = ExternalTools.fromEnvironment();

  @BeforeEach
  void createService() throws Exception {
    dataDirectory = new DataDirectory(tempDir.resolve("data")).create();
    catalog = new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir());
    keys = FileKeyManagementService.open(dataDirectory.keysDir());
    ingest = service(tools, List.of(96));
  }

  @AfterEach
  void closeService() {
    ingest.close();
  }

  private IngestService service(ExternalTools with, List<Integer> ladder) {
    return IngestService.builder()
        .dataDirectory(dataDirectory)
        .catalog(catalog)
        .keyManagementService(keys)
        .tools(with)
        .vorbisLadderKbps(ladder)
        .encodeThreads(2)
        .build();
  }

  private void requireTools(String... names) {
    for (String name : names) {
      assumeTrue(tools.has(name), name + " is not on the PATH (Debian: vorbis-tools, flac)");
    }
  }

  private IngestException.Reason rejection(Path file) {
    try {
      ingest.ingest(file, Map.of());
    } catch (IngestException e) {
      return e.reason();
    } catch (IOException e) {
      throw new AssertionError("unexpected I/O failure", e);
    }
    throw new AssertionError(file + " was accepted");
  }

  @Test
  void textFileNamedOgg_isRejectedAsUnsupportedFormat() throws Exception {
    Path file = Files.writeString(tempDir.resolve("notes.ogg"), "These are not audio bytes.\n");

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.UNSUPPORTED_FORMAT);
    assertThat(catalog.tracks()).isEmpty();
  }

  @Test
  void emptyFile_isRejectedAsEmpty() throws Exception {
    Path file = Files.createFile(tempDir.resolve("empty.flac"));

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.EMPTY);
  }

  @Test
  void missingFile_isRejectedAsUnreadable() {
    assertThat(rejection(tempDir.resolve("absent.wav")))
        .isEqualTo(IngestException.Reason.UNREADABLE);
  }

  @Test
  void wavOf200ms_isRejectedAsTooShort() throws Exception {
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("short.wav"), 44_100, 2, 8_820, TestAudio.sine(44_100, 440, 0.3));

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.TOO_SHORT);
  }

  @Test
  void fiveChannelWav_isRejectedAsUnsupportedChannels() throws Exception {
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("surround.wav"), 48_000, 5, 96_000, TestAudio.sine(48_000, 440, 0.3));

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.UNSUPPORTED_CHANNELS);
  }

  @Test
  void wavAtUnsupportedRates_isRejected() throws Exception {
    for (long rate : List.of(4_000L, 384_000L)) {
      Path file =
          TestAudio.writeWav(
              tempDir.resolve("rate-" + rate + ".wav"), rate, 1, rate * 2, TestAudio.sine(rate, 440, 0.3));

      assertThat(rejection(file)).as("%d Hz", rate).isEqualTo(IngestException.Reason.UNSUPPORTED_SAMPLE_RATE);
    }
  }

  @Test
  void wavWithCutData_isRejectedAsTruncated() throws Exception {
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("cut.wav"), 44_100, 2, 88_200, TestAudio.sine(44_100, 440, 0.3));
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() / 2);
    }

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.TRUNCATED);
  }

  @Test
  void truncatedFlac_isRejectedAsTruncated() throws Exception {
    requireTools("flac");
    Path wav =
        TestAudio.writeWav(
            tempDir.resolve("tone.wav"), 44_100, 2, 44_100 * 5, TestAudio.sine(44_100, 440, 0.3));
    Path flac = tempDir.resolve("tone.flac");
    tools.run("flac", List.of("-s", "-f", "-o", flac.toString(), wav.toString()), tempDir);
    try (RandomAccessFile raf = new RandomAccessFile(flac.toFile(), "rw")) {
      raf.setLength(raf.length() * 6 / 10);
    }

    assertThat(rejection(flac)).isEqualTo(IngestException.Reason.TRUNCATED);
  }

  @Test
  void oggWithCorruptPage_isRejectedAsCorrupt() throws Exception {
    Path source = Corpus.require("music/singularity-apex-aleph.ogg");
    byte[] bytes = Files.readAllBytes(source);
    bytes[bytes.length / 2] ^= 0x55;
    Path file = Files.write(tempDir.resolve("flipped.ogg"), bytes);

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.CORRUPT);
  }

  @Test
  void oggCutMidPage_isRejectedAsTruncated() throws Exception {
    Path source = Corpus.require("music/singularity-apex-aleph.ogg");
    byte[] bytes = Files.readAllBytes(source);
    Path file = Files.write(tempDir.resolve("cut.ogg"), java.util.Arrays.copyOf(bytes, bytes.length - 100));

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.TRUNCATED);
  }

  @Test
  void chainedOgg_isRejectedAsUnsupportedFormat() throws Exception {
    Path file = Corpus.require("ogg-vorbis/xiph-test-vectors/chain-test1.ogg");

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void clippedWav_isAcceptedWithClippingWarning() throws Exception {
    requireTools("oggenc", "flac");
    // A sine at twice full scale, clipped to full scale in the WAV.
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("loud.wav"), 44_100, 2, 44_100 * 2, TestAudio.sine(44_100, 100, 2.0));

    IngestResult result = ingest.ingest(file, Map.of());

    assertThat(result.warnings()).anyMatch(warning -> warning.startsWith("CLIPPING: "));
    assertThat(result.track().warnings()).isEqualTo(result.warnings());
  }

  @Test
  void wav_getsVorbisAndFlacRenditionsWithSeekIndex() throws Exception {
    requireTools("oggenc", "flac");
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("Quiet Tone.wav"), 44_100, 2, 44_100 * 25, TestAudio.sine(44_100, 440, 0.1));

    Track track = ingest.ingest(file, Map.of("GENRE", "Test")).track();

    assertThat(track.title()).isEqualTo("Quiet Tone");
    assertThat(track.genre()).isEqualTo("Test");
    assertThat(track.durationMs()).isEqualTo(25_000);
    assertThat(track.sourceFormat()).isEqualTo("wav");
    assertThat(track.renditions()).extracting(Rendition::id).containsExactly("vorbis-96", "flac");
    Rendition flac = track.rendition("flac").orElseThrow();
    assertThat(flac.premiumOnly()).isTrue();
    assertThat(flac.totalFrames()).isEqualTo(44_100L * 25);
    assertThat(flac.seekIndex()).extracting(SeekPoint::frame).containsExactly(0L, 441_000L, 882_000L);
    byte[] flacBytes = StoredObjects.plaintext(dataDirectory.objectsDir(), keys, track, flac);
    assertThat(flacBytes.length).isEqualTo((int) flac.sizeBytes());
    for (SeekPoint point : flac.seekIndex().subList(1, flac.seekIndex().size())) {
      int offset = (int) point.byteOffset();
      assertThat(flacBytes[offset] & 0xFF).as("sync at %d", offset).isEqualTo(0xFF);
      assertThat(flacBytes[offset + 1] & 0xFE).isEqualTo(0xF8);
    }
    Rendition vorbis = track.rendition("vorbis-96").orElseThrow();
    assertThat(vorbis.premiumOnly()).isFalse();
    assertThat(vorbis.totalFrames()).isEqualTo(44_100L * 25);
    assertThat(track.loudness().integratedLufs()).isBetween(-24.0, -20.0);
  }

  @Test
  void sameFileTwice_returnsExistingTrack() throws Exception {
    requireTools("oggdec", "oggenc");
    Path file = Corpus.require("music/singularity-apex-aleph.ogg");

    IngestResult first = ingest.ingest(file, Map.of());
    IngestResult second = ingest.ingest(file, Map.of());

    assertThat(first.alreadyPresent()).isFalse();
    assertThat(second.alreadyPresent()).isTrue();
    assertThat(second.track()).isEqualTo(first.track());
    assertThat(first.track().id()).isEqualTo("t-c9d9bdd0c399");
    assertThat(first.track().title()).isEqualTo("Apex Aleph");
    assertThat(first.track().artist()).isEqualTo("Maxstack");
    assertThat(first.track().durationMs()).isEqualTo(104_463);
    assertThat(catalog.tracks()).hasSize(1);
  }

  @Test
  void vorbisWithoutEncoder_isServedAsDelivered(@TempDir Path toolDir) throws Exception {
    requireTools("oggdec");
    Files.createSymbolicLink(toolDir.resolve("oggdec"), tools.find("oggdec").orElseThrow());
    Path file = Corpus.require("music/singularity-apex-aleph.ogg");

    try (IngestService decodeOnly =
        service(new ExternalTools(List.of(toolDir), Duration.ofMinutes(1)), List.of(96))) {
      Track track = decodeOnly.ingest(file, Map.of()).track();

      assertThat(track.renditions()).hasSize(1);
      Rendition original = track.renditions().get(0);
      assertThat(original.id()).isEqualTo("vorbis-112");
      assertThat(original.premiumOnly()).isFalse();
      assertThat(original.sizeBytes()).isEqualTo(Files.size(file));
      assertThat(original.totalFrames()).isEqualTo(5_014_240);
      assertThat(StoredObjects.plaintext(dataDirectory.objectsDir(), keys, track, original))
          .isEqualTo(Files.readAllBytes(file));
    }
  }

  @Test
  void vorbisWithoutTools_isDecodedInProcess(@TempDir Path emptyToolDir) throws Exception {
    // No oggdec and no encoder: the SDK's decoder measures the file, which is served as delivered.
    Path file = Corpus.require("music/singularity-apex-aleph.ogg");

    try (IngestService noTools =
        service(new ExternalTools(List.of(emptyToolDir), Duration.ofMinutes(1)), List.of(96))) {
      Track track = noTools.ingest(file, Map.of()).track();

      assertThat(track.renditions()).hasSize(1);
      assertThat(track.renditions().get(0).sizeBytes()).isEqualTo(Files.size(file));
      assertThat(track.renditions().get(0).totalFrames()).isEqualTo(5_014_240);
      assertThat(track.loudness().integratedLufs()).isBetween(-30.0, -5.0);
    }
  }

  @Test
  void flacSources_getVorbisAndFlacRenditions() throws Exception {
    requireTools("flac", "oggenc");
    // Rate, channels and STREAMINFO total samples from the corpus manifest.
    Object[][] cases = {
      {"flac-test-files/subset/01 - blocksize 4096.flac", 44_100L, 2, 308_700L},
      {"flac-test-files/subset/28 - high resolution audio, default settings.flac", 96_000L, 2, 838_036L},
      {"flac-test-files/subset/60 - mono audio.flac", 44_100L, 1, 227_247L}
    };
    for (Object[] testCase : cases) {
      Path file = Corpus.require((String) testCase[0]);

      IngestResult result = ingest.ingest(file, Map.of());
      Track track = result.track();

      Rendition flac = track.rendition("flac").orElseThrow();
      assertThat(result.warnings()).as(file.toString()).isEmpty();
      assertThat(track.sourceFormat()).isEqualTo("flac");
      assertThat(track.durationMs()).isEqualTo((long) testCase[3] * 1000 / (long) testCase[1]);
      assertThat(flac.sampleRateHz()).isEqualTo((long) testCase[1]);
      assertThat(flac.channels()).isEqualTo((int) testCase[2]);
      assertThat(flac.totalFrames()).isEqualTo((long) testCase[3]);
      Rendition vorbis = track.rendition("vorbis-96").orElseThrow();
      assertThat(vorbis.sampleRateHz()).isEqualTo(Math.min(48_000L, (long) testCase[1]));
    }
  }

  @Test
  void bitrateRejectedByEncoder_isSkippedWithWarning() throws Exception {
    requireTools("flac", "oggenc");
    Path file = Corpus.require("flac-test-files/subset/60 - mono audio.flac");

    try (IngestService withHighRate = service(tools, List.of(96, 320))) {
      IngestResult result = withHighRate.ingest(file, Map.of());

      assertThat(result.warnings()).anyMatch(w -> w.startsWith("RENDITION_SKIPPED: vorbis-320: "));
      assertThat(result.track().renditions())
          .extracting(Rendition::id)
          .containsExactly("vorbis-96", "flac");
    }
  }

  @Test
  void flacWithThreeChannels_isRejectedAsUnsupportedChannels() {
    Path file = Corpus.require("flac-test-files/subset/38 - 3 channels (3.0).flac");

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.UNSUPPORTED_CHANNELS);
  }

  @Test
  void flacWithWrongChannelCount_isRejected() {
    // STREAMINFO declares 5 channels while the frames are mono.
    Path file = Corpus.require("flac-test-files/faulty/04 - wrong number of channels.flac");

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.UNSUPPORTED_CHANNELS);
  }

  @Test
  void flacWithWrongBitDepth_isRejectedAsCorrupt() {
    requireTools("flac");
    // STREAMINFO declares 24 bits while the frames are 16-bit; libFLAC rejects it.
    Path file = Corpus.require("flac-test-files/faulty/03 - wrong bit depth.flac");

    assertThat(rejection(file)).isEqualTo(IngestException.Reason.CORRUPT);
  }

  @Test
  void rejectedFile_leavesNoObjectsOrWorkFiles() throws Exception {
    Path file = Files.write(tempDir.resolve("junk.wav"), "RIFF....WAVEjunk".getBytes(StandardCharsets.US_ASCII));

    rejection(file);

    try (var objects = Files.list(dataDirectory.objectsDir());
        var work = Files.list(dataDirectory.tmpDir());
        var contentKeys = Files.list(dataDirectory.keysDir().resolve("keys"))) {
      assertThat(objects).isEmpty();
      assertThat(work).isEmpty();
      assertThat(contentKeys).isEmpty();
    }
  }

  @Test
  void renditions_encryptedWithOneKeyPerTrackAndOwnIv() throws Exception {
    requireTools("oggenc", "flac");
    Path file =
        TestAudio.writeWav(
            tempDir.resolve("Tone.wav"), 44_100, 2, 44_100 * 12, TestAudio.sine(44_100, 440, 0.3));

    Track track = ingest.ingest(file, Map.of()).track();

    assertThat(track.renditions()).hasSize(2);
    Rendition vorbis = track.rendition("vorbis-96").orElseThrow();
    Rendition flac = track.rendition("flac").orElseThrow();
    assertThat(vorbis.encryption().scheme()).isEqualTo("aes-256-ctr");
    assertThat(vorbis.encryption().keyId()).matches("k-[0-9a-f]{32}");
    assertThat(flac.encryption().keyId()).isEqualTo(vorbis.encryption().keyId());
    assertThat(vorbis.encryption().iv()).matches("[0-9a-f]{32}");
    assertThat(flac.encryption().iv()).isNotEqualTo(vorbis.encryption().iv());
    for (Rendition rendition : track.renditions()) {
      byte[] stored = StoredObjects.stored(dataDirectory.objectsDir(), track, rendition);
      byte[] plain = StoredObjects.plaintext(dataDirectory.objectsDir(), keys, track, rendition);
      assertThat(rendition.fileName())
          .isEqualTo(rendition.id() + "." + rendition.container() + ".enc");
      ChunkDigests ciphertextDigests =
          ChunkDigests.of(
              dataDirectory.objectsDir().resolve(track.id()).resolve(rendition.fileName()),
              rendition.chunkSizeBytes());
      assertThat(stored).hasSize((int) rendition.sizeBytes());
      assertThat(rendition.sha256()).isEqualTo(ciphertextDigests.sha256());
      assertThat(rendition.chunkSha256()).isEqualTo(ciphertextDigests.chunkSha256());
      assertThat(Arrays.copyOf(stored, 4)).isNotEqualTo(Arrays.copyOf(plain, 4));
      assertThat(new String(plain, 0, 4, StandardCharsets.US_ASCII)).isIn("OggS", "fLaC");
    }
    assertThat(Files.exists(dataDirectory.objectsDir().resolve(track.id()).resolve("flac.flac")))
        .as("no plain object next to the encrypted one")
        .isFalse();
  }
}
