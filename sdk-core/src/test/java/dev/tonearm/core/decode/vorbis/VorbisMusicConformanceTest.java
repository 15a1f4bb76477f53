package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes the real music recordings of the corpus and compares every sample, streaming, with
 * {@code oggdec -R -b16 -e0 -s1} output produced during the test (libvorbis, whichever version
 * the machine has). Frame counts must equal the corpus manifest exactly. Skipped with a message
 * when {@code oggdec} is not installed.
 */
class VorbisMusicConformanceTest {
  static Stream<Arguments> musicRows() throws IOException {
    Path manifest = Corpus.require("music/MANIFEST.tsv");
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    List<String> header = Arrays.asList(lines.get(0).split("\t"));
    int pathColumn = header.indexOf("path");
    int framesColumn = header.indexOf("oggdec_frames");
    List<Arguments> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split("\t");
      rows.add(Arguments.of(fields[pathColumn], Long.parseLong(fields[framesColumn])));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("musicRows")
  void musicFile_matchesOggdecWithinOneLsb(String path, long manifestFrames) throws Exception {
    Path file = Corpus.require("music/" + path);
    assumeTrue(ExternalTools.isAvailable("oggdec"),
        "oggdec not installed (Debian package vorbis-tools); skipping the comparison");
    Process oggdec = new ProcessBuilder("oggdec", "-Q", "-R", "-b", "16", "-e", "0", "-s", "1",
        "-o", "-", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    long frames = 0;
    PcmComparator comparator;
    try (InputStream reference = oggdec.getInputStream();
        VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      comparator = new PcmComparator(reference, 1);
      PcmBuffer buffer = new PcmBuffer();
      int count;
      while ((count = decoder.read(buffer)) > 0) {
        comparator.compare(buffer.samples, count, buffer.format.channels());
        frames += count;
      }
      assertThat(comparator.referenceHasMore()).as("oggdec output left over").isFalse();
    } finally {
      oggdec.destroy();
      oggdec.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(frames).as("frames of %s", path).isEqualTo(manifestFrames);
    assertThat(comparator.referenceShortfallSamples).as("samples past oggdec's output").isZero();
    assertThat(comparator.firstMismatchSample)
        .as("first sample beyond 1 LSB (max difference %d)", comparator.maxDifference)
        .isEqualTo(-1);
  }
}
