package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import dev.tonearm.testing.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares the decoder's PCM byte for byte with JFLAC 1.5.2 on files where JFLAC is known to be
 * right: 16-bit and 24-bit streams of ordinary content, fixed and variable block sizes, 1 to 8
 * channels. (JFLAC writes no samples for 12- and 20-bit streams, writes 8-bit samples unsigned, and
 * overflows on the 24-bit predictor test file, so those are left to the STREAMINFO MD5 checks.)
 */
class JflacOracleTest {
  private static final String[] FILES = {
    "flac-test-files/subset/01 - blocksize 4096.flac",
    "flac-test-files/subset/17 - all fixed orders.flac",
    "flac-test-files/subset/24 - variable blocksize file created with flake revision 264.flac",
    "flac-test-files/subset/28 - high resolution audio, default settings.flac",
    "flac-test-files/subset/38 - 3 channels (3.0).flac",
    "flac-test-files/subset/43 - 8 channels (7.1).flac",
    "flac-test-files/subset/60 - mono audio.flac",
  };
  private static final long JFLAC_TIMEOUT_SECONDS = 60;

  @TestFactory
  List<DynamicTest> corpusFile_decodes_sameBytesAsJflac() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String relative : FILES) {
      tests.add(DynamicTest.dynamicTest(relative, () -> compare(Corpus.require(relative))));
    }
    return tests;
  }

  private static void compare(Path file) throws Exception {
    JflacOracle.Result jflac = JflacOracle.decode(file, JFLAC_TIMEOUT_SECONDS);
    assertThat(jflac.hung).as("JFLAC hung").isFalse();
    assertThat(jflac.error).as("JFLAC error").isNull();

    byte[] ours;
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      Decoded decoded = FlacTestSupport.decodeAll(decoder, true);
      ours = littleEndian(decoded.samples, decoder.format().bytesPerSample());
    }

    assertThat(ours.length).as("PCM bytes").isEqualTo(jflac.pcm.length);
    assertThat(ours).isEqualTo(jflac.pcm);
  }

  static byte[] littleEndian(int[] samples, int bytesPerSample) {
    byte[] out = new byte[samples.length * bytesPerSample];
    int o = 0;
    for (int sample : samples) {
      for (int b = 0; b < bytesPerSample; b++) {
        out[o++] = (byte) (sample >> (8 * b));
      }
    }
    return out;
  }
}
