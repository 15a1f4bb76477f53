package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STREAMINFO accessors, Vorbis comments and stream prefixes. */
class FlacMetadataTest {
  private static final String CD_FILE = "flac-test-files/subset/01 - blocksize 4096.flac";

  @TempDir Path tempDir;

  @Test
  void streamInfo_accessors_matchMetaflac() throws Exception {
    // Values from MANIFEST.tsv, which lists what metaflac 1.4.2 reports.
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(CD_FILE))) {
      assertThat(decoder.codec()).isEqualTo("flac");
      assertThat(decoder.minBlockSize()).isEqualTo(4096);
      assertThat(decoder.maxBlockSize()).isEqualTo(4096);
      assertThat(decoder.streamInfoTotalSamples()).isEqualTo(308700);
      assertThat(decoder.totalFrames()).isEqualTo(308700);
      assertThat(FlacTestSupport.hex(decoder.md5())).isEqualTo("d220a9bf831451e7a1b4db4454323368");
      assertThat(decoder.format().sampleRateHz()).isEqualTo(44100);
      assertThat(decoder.format().channels()).isEqualTo(2);
      assertThat(decoder.format().bitsPerSample()).isEqualTo(16);
      assertThat(decoder.vendor()).isEqualTo("reference libFLAC 1.3.2 20170101");
      assertThat(decoder.tags()).isEmpty();
      assertThat(decoder.isSeekable()).isTrue();
    }
  }

  @Test
  void md5_returnsCopy() throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(CD_FILE))) {
      byte[] first = decoder.md5();
      first[0] ^= 1;

      assertThat(decoder.md5()).isNotEqualTo(first);
    }
  }

  @Test
  void repeatedVorbisComments_tags_keepEveryValueInOrder() throws Exception {
    Path file = Corpus.require("flac-test-files/subset/54 - 1000x repeating VORBISCOMMENT.flac");
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      Map<String, List<String>> tags = decoder.tags();

      assertThat(tags.get("TITLE")).hasSize(1000);
      assertThat(tags.get("TITLE").get(0)).isEqualTo("54 - 1000x repeating VORBISCOMMENT");
      assertThat(tags.get("ALBUM").get(999)).isEqualTo("FLAC subset decoder testbench");
      assertThat(tags.get("TRACKNUMBER")).containsOnly("54");
      assertThat(tags).hasSize(20);
      assertThat(decoder.warnings()).isEmpty();
      assertThatThrownBy(() -> tags.put("X", Collections.<String>emptyList()))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> tags.get("TITLE").add("x"))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void encoderTags_tags_upperCaseNamesAndUtf8Values() throws Exception {
    assumeTrue(
        FlacEncoderRoundTripTest.canRun("flac", "--version"),
        "flac command not found; install the flac package");
    int[] pcm = FlacEncoderRoundTripTest.Signal.generate(16, 2, 10_000, 3);
    Path wav = tempDir.resolve("in.wav");
    Path flac = tempDir.resolve("tagged.flac");
    FlacEncoderRoundTripTest.writeWav(wav, pcm, 2, 16, 44100);
    int exit =
        FlacEncoderRoundTripTest.run(
            Arrays.asList(
                "flac",
                "-s",
                "-f",
                "-T",
                "title=Sch\u00f6ne Gr\u00fc\u00dfe",
                "-T",
                "Artist=Ensemble",
                "-T",
                "ARTIST=Second Artist",
                "-T",
                "ALBUM=Test Album",
                "-T",
                "genre=Ambient",
                "-T",
                "COMMENT=a=b",
                "-o",
                flac.toString(),
                wav.toString()));
    assertThat(exit).isZero();

    try (FlacDecoder decoder = FlacTestSupport.open(flac)) {
      Map<String, List<String>> tags = decoder.tags();

      assertThat(tags.get("TITLE")).containsExactly("Sch\u00f6ne Gr\u00fc\u00dfe");
      assertThat(tags.get("ARTIST")).containsExactly("Ensemble", "Second Artist");
      assertThat(tags.get("ALBUM")).containsExactly("Test Album");
      assertThat(tags.get("GENRE")).containsExactly("Ambient");
      assertThat(tags.get("COMMENT")).containsExactly("a=b");
      assertThat(decoder.vendor()).startsWith("reference libFLAC");
    }
  }

  @Test
  void id3v2Prefix_open_skipsTagAndDecodes() throws Exception {
    byte[] flac = Files.readAllBytes(Corpus.require(CD_FILE));
    ByteArrayOutputStream prefixed = new ByteArrayOutputStream();
    int tagBodyBytes = 300;
    // ID3v2.4 header: "ID3", version 4.0, no flags, syncsafe size.
    prefixed.write(
        new byte[] {
          'I', 'D', '3', 4, 0, 0, 0, 0, (byte) (tagBodyBytes >> 7), (byte) (tagBodyBytes & 0x7F)
        });
    prefixed.write(new byte[tagBodyBytes]);
    prefixed.write(flac);

    try (FlacDecoder decoder =
        FlacDecoder.open(
            new InputStreamByteSource(new ByteArrayInputStream(prefixed.toByteArray())))) {
      Decoded decoded = FlacTestSupport.decodeAll(decoder, false);

      assertThat(decoded.md5Hex).isEqualTo(decoder.streamInfo().md5Hex());
      assertThat(decoder.audioStartBytes()).isEqualTo(10 + tagBodyBytes + 8304);
    }
  }

  @Test
  void nonSeekableSource_decodes_sameAsFile() throws Exception {
    for (String relative :
        new String[] {
          CD_FILE,
          "flac-test-files/subset/56 - JPG PICTURE.flac",
          "flac-test-files/subset/54 - 1000x repeating VORBISCOMMENT.flac"
        }) {
      Path file = Corpus.require(relative);
      Decoded fromFile;
      try (FlacDecoder decoder = FlacDecoder.open(new FileByteSource(file))) {
        fromFile = FlacTestSupport.decodeAll(decoder, false);
      }
      try (FlacDecoder decoder =
          FlacDecoder.open(new InputStreamByteSource(Files.newInputStream(file)))) {
        Decoded fromStream = FlacTestSupport.decodeAll(decoder, false);

        assertThat(fromStream.md5Hex).as(relative).isEqualTo(fromFile.md5Hex);
        assertThat(fromStream.frames).as(relative).isEqualTo(fromFile.frames);
        assertThat(decoder.tags()).as(relative).isNotNull();
      }
    }
  }
}
