package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Decodes every file of the IETF CELLAR FLAC decoder testbench "subset" folder that is present and
 * checks the decoded PCM against the MD5 and sample count in its STREAMINFO.
 */
class FlacSubsetTest {
  @TestFactory
  List<DynamicTest> subsetFile_decodes_matchesStreamInfo() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : FlacTestSupport.corpusFiles(FlacTestSupport.SUBSET)) {
      tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
    }
    return tests;
  }

  private static void check(Path file) throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      FlacStreamInfo info = decoder.streamInfo();
      Decoded decoded = FlacTestSupport.decodeAll(decoder, false);

      assertThat(decoded.md5Hex).as("MD5 of decoded PCM").isEqualTo(info.md5Hex());
      if (info.totalSamples() > 0) {
        assertThat(decoded.frames).as("decoded frames").isEqualTo(info.totalSamples());
      } else {
        assertThat(decoded.frames).as("decoded frames").isPositive();
      }
      assertThat(decoder.totalFrames()).as("total after the end").isEqualTo(decoded.frames);
      assertThat(decoded.warnings).as("warnings").isEmpty();
    }
  }
}
