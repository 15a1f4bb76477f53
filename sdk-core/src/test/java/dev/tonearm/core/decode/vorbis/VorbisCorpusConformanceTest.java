package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes every file of the Ogg Vorbis corpus and checks frame counts against the corpus
 * manifest (libvorbis 1.3.7's {@code oggdec}) and samples against the libvorbis reference PCM
 * within one LSB. Rows that deliberately differ from libvorbis carry the expected value and the
 * reason; docs/decoders.md lists the same cases.
 */
class VorbisCorpusConformanceTest {
  private static final String ROOT = "ogg-vorbis";
  private static final String REFERENCE_DIR = ROOT + "/reference-pcm-libvorbis-1.3.7/";

  /** Expected frames per link where this decoder differs from oggdec, with the reason. */
  private static final Map<String, Expectation> OVERRIDES = new HashMap<>();

  static {
    OVERRIDES.put("libnogg/square-with-junk.ogg", new Expectation(new long[] {40}, 0,
        "resynchronises on the next page after 4 junk bytes; libvorbis stops"));
    OVERRIDES.put("libnogg/square-interleaved.ogg", new Expectation(new long[] {40}, 0,
        "decodes the first of two grouped streams; libvorbis outputs nothing"));
    OVERRIDES.put("xiph-test-vectors/test-short.ogg", new Expectation(new long[] {59392}, 8896,
        "decodes the audio packets on the setup header's page; libvorbis skips them"));
    OVERRIDES.put("xiph-test-vectors/chain-test3.ogg", new Expectation(
        new long[] {59392, 515234}, 0,
        "first link is test-short.ogg; second link from the corpus notes"));
    OVERRIDES.put("xiph-test-vectors/chain-test1.ogg", new Expectation(
        new long[] {2062410, 888832}, 0, "both links, from the corpus notes"));
  }

  static Stream<Arguments> manifestRows() throws IOException {
    Path manifest = Corpus.require(ROOT + "/MANIFEST.tsv");
    List<Arguments> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    List<String> header = Arrays.asList(lines.get(0).split("\t"));
    int pathColumn = header.indexOf("path");
    int framesColumn = header.indexOf("oggdec_frames");
    int exitColumn = header.indexOf("oggdec_exit");
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split("\t");
      rows.add(Arguments.of(fields[pathColumn], fields[framesColumn],
          Integer.parseInt(fields[exitColumn])));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifestRows")
  void corpusFile_decodesLikeLibvorbis(String path, String oggdecFrames, int oggdecExit)
      throws IOException {
    Path file = Corpus.require(ROOT + "/" + path);
    if (path.equals("libnogg/floor1-x-array-overflow.ogg")) {
      DecoderException error = catchThrowableOfType(DecoderException.class,
          () -> decodeAll(file, null, 0));
      assertThat(error).as("malicious floor 1 setup is rejected").isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.BAD_HEADER);
      assertThat(error.getMessage()).contains("X list");
      return;
    }
    assertThat(oggdecExit).as("oggdec exit status for a file expected to decode").isZero();

    Expectation override = OVERRIDES.get(path);
    long[] expectedLinkFrames;
    long referenceOffset = 0;
    if (override != null) {
      expectedLinkFrames = override.linkFrames;
      referenceOffset = override.referenceOffsetFrames;
    } else {
      expectedLinkFrames = new long[] {Long.parseLong(oggdecFrames)};
    }
    if (oggdecFrames.startsWith("first-link-only:") && override != null
        && !path.contains("chain-test3")) {
      assertThat(expectedLinkFrames[0])
          .isEqualTo(Long.parseLong(oggdecFrames.substring("first-link-only:".length())));
    }

    String name = file.getFileName().toString();
    Path reference = Corpus.root().resolve(REFERENCE_DIR + name.replace(".ogg", ".s16le"));
    PcmComparator comparator = null;
    InputStream referenceStream = null;
    if (Files.exists(reference)) {
      referenceStream = Files.newInputStream(reference);
      comparator = new PcmComparator(referenceStream, 1);
    }
    try {
      DecodeResult result = decodeAll(file, comparator, referenceOffset);
      assertThat(result.linkFrames).as("frames per link of %s", path)
          .containsExactly(expectedLinkFrames);
      if (comparator != null) {
        assertThat(comparator.firstMismatchSample)
            .as("first sample of %s beyond 1 LSB (max difference %d)", path,
                comparator.maxDifference)
            .isEqualTo(-1);
        assertThat(comparator.referenceShortfallSamples).as("samples past the reference end")
            .isZero();
        assertThat(comparator.referenceHasMore()).as("reference samples left over").isFalse();
      }
    } finally {
      if (referenceStream != null) {
        referenceStream.close();
      }
    }
  }

  /** Decodes {@code file}, comparing output from frame {@code referenceOffset} on. */
  static DecodeResult decodeAll(Path file, PcmComparator comparator, long referenceOffset)
      throws IOException {
    DecodeResult result = new DecodeResult();
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      List<Long> links = new ArrayList<>();
      long position = 0;
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        while (links.size() <= buffer.link) {
          links.add(0L);
        }
        links.set(buffer.link, links.get(buffer.link) + frames);
        if (comparator != null) {
          int channels = buffer.format.channels();
          int skip = (int) Math.max(0, Math.min(frames, referenceOffset - position));
          if (skip < frames) {
            int[] tail = Arrays.copyOfRange(buffer.samples, skip * channels, frames * channels);
            comparator.compare(tail, frames - skip, channels);
          }
        }
        position += frames;
      }
      if (links.isEmpty()) {
        links.add(0L);
      }
      result.linkFrames = links.stream().mapToLong(Long::longValue).toArray();
      result.warnings = decoder.warnings();
    }
    return result;
  }

  static final class DecodeResult {
    long[] linkFrames;
    List<DecoderException> warnings;
  }

  private static final class Expectation {
    final long[] linkFrames;
    final long referenceOffsetFrames;
    final String reason;

    Expectation(long[] linkFrames, long referenceOffsetFrames, String reason) {
      this.linkFrames = linkFrames;
      this.referenceOffsetFrames = referenceOffsetFrames;
      this.reason = reason;
    }

    @Override
    public String toString() {
      return reason;
    }
  }
}
