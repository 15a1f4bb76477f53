package dev.tonearm.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.testing.Corpus;
import dev.tonearm.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a real music track (corpus {@code music/singularity-apex-aleph.ogg}, decoded by the
 * reference {@code oggdec}) through the whole chain: WavReader, GaplessJoiner,
 * LoudnessNormalizer and WavFileSink, then measures the written file with LoudnessMeter.
 */
class MusicNormalizationTest {
  @TempDir static Path dir;

  private static Path decoded;
  private static TrackLoudness input;

  @BeforeAll
  static void decodeTrack() throws Exception {
    Path ogg = Corpus.require("music/singularity-apex-aleph.ogg");
    decoded = dir.resolve("apex-aleph.wav");
    ExternalTool.run("oggdec", "-Q", "-o", decoded.toString(), ogg.toString());
    LoudnessMeter meter = measure(decoded);
    input = TrackLoudness.of(meter.integratedLufs(), meter.truePeakDbtp());
  }

  private static LoudnessMeter measure(Path wav) throws IOException {
    try (WavReader reader = WavReader.open(wav)) {
      LoudnessMeter meter = LoudnessMeter.forFormat(reader.format());
      PcmBuffer buffer = new PcmBuffer();
      while (reader.read(buffer) > 0) {
        meter.add(buffer);
      }
      return meter;
    }
  }

  private static Path normalize(NormalizationMode mode, String name) throws IOException {
    Path out = dir.resolve(name);
    try (WavReader reader = WavReader.open(decoded);
        WavFileSink sink = WavFileSink.builder(out).build()) {
      GaplessJoiner joiner =
          GaplessJoiner.builder(sink)
              .normalizer(LoudnessNormalizer.builder().mode(mode).build())
              .build();
      long frames = joiner.playTrack(reader, input);
      joiner.finish();
      assertThat(sink.framesWritten()).isEqualTo(frames);
      assertThat(reader.format()).isEqualTo(new PcmFormat(48_000, 2, 16));
    }
    return out;
  }

  @Test
  void normalMode_realTrack_appliesRuleGain() throws IOException {
    double gainDb = LoudnessNormalizer.gainDb(NormalizationMode.NORMAL, input, -1.0);

    LoudnessMeter output = measure(normalize(NormalizationMode.NORMAL, "normal.wav"));

    assertThat(output.integratedLufs())
        .isCloseTo(input.integratedLufs() + gainDb, within(0.05));
    assertThat(output.truePeakDbtp())
        .isLessThanOrEqualTo(Math.max(-1.0, input.truePeakDbtp() + gainDb) + 0.01);
  }

  @Test
  void loudMode_realTrack_peaksStayUnderCeiling() throws IOException {
    LoudnessMeter output = measure(normalize(NormalizationMode.LOUD, "loud.wav"));

    assertThat(output.truePeakDbtp()).isLessThanOrEqualTo(-1.0);
    // The track measures about -17 LUFS with peaks near 0 dBTP, so LOUD's +6 dB needs up to 6 dB
    // of limiting on the peaks, which costs loudness (measured -12.7 LUFS). It must still end
    // well above the input and never above the target.
    assertThat(output.integratedLufs()).isBetween(input.integratedLufs() + 3.0, -11.0 + 0.05);
  }
}
