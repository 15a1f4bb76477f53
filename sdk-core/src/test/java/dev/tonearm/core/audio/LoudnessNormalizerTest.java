package dev.tonearm.core.audio;

import static dev.tonearm.core.audio.TestSignals.quantise;
import static dev.tonearm.core.audio.TestSignals.segment;
import static dev.tonearm.core.audio.TestSignals.sine;
import static dev.tonearm.core.audio.TestSignals.stereo1k;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.testing.PcmAssert;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LoudnessNormalizerTest {
  private static final PcmFormat CD = new PcmFormat(44_100, 2, 16);

  private static LoudnessNormalizer normalizer(NormalizationMode mode, PcmFormat format) {
    LoudnessNormalizer normalizer = LoudnessNormalizer.builder().mode(mode).build();
    normalizer.open(format);
    return normalizer;
  }

  /** Runs a whole track through the stage, flushing at the end, and returns all output. */
  private static int[] runTrack(LoudnessNormalizer normalizer, int[] input, int channels) {
    int[] output = new int[input.length + normalizer.latencyFrames() * channels];
    int written = 0;
    int blockFrames = 1000;
    for (int frame = 0; frame < input.length / channels; frame += blockFrames) {
      int count = Math.min(blockFrames, input.length / channels - frame);
      int[] block = Arrays.copyOfRange(input, frame * channels, (frame + count) * channels);
      int[] out = new int[block.length];
      int n = normalizer.process(block, count, out);
      System.arraycopy(out, 0, output, written * channels, n * channels);
      written += n;
    }
    int[] tail = new int[normalizer.latencyFrames() * channels];
    int n = normalizer.flush(tail);
    System.arraycopy(tail, 0, output, written * channels, n * channels);
    written += n;
    return Arrays.copyOf(output, written * channels);
  }

  private static LoudnessMeter measure(int[] samples, PcmFormat format) {
    LoudnessMeter meter = LoudnessMeter.forFormat(format);
    meter.addSamples(samples, samples.length / format.channels(), format.bitsPerSample());
    return meter;
  }

  @ParameterizedTest(name = "{0} I={1} TP={2} -> {3} dB")
  @CsvSource({
    // Quiet track with headroom: full positive gain.
    "NORMAL, -20.0, -10.0, 6.0",
    // Positive gain stops where the true peak reaches -1 dBTP.
    "NORMAL, -20.0, -3.0, 2.0",
    // A track already peaking above the ceiling is not turned down.
    "NORMAL, -20.0, -0.5, 0.0",
    // Loud tracks get their full negative gain whatever their peak.
    "NORMAL, -8.0, 0.5, -6.0",
    "QUIET, -10.0, -1.0, -9.0",
    "QUIET, -25.0, -12.0, 6.0",
    "QUIET, -25.0, -4.0, 3.0",
    // LOUD applies the full gain; the limiter handles the peaks.
    "LOUD, -20.0, -3.0, 9.0",
    "LOUD, -5.0, 0.0, -6.0",
    "OFF, -20.0, -10.0, 0.0",
  })
  void gainDb_modeAndTrack_followsRules(
      NormalizationMode mode, double integratedLufs, double truePeakDbtp, double expectedDb) {
    double gain =
        LoudnessNormalizer.gainDb(mode, TrackLoudness.of(integratedLufs, truePeakDbtp), -1.0);

    assertThat(gain).isCloseTo(expectedDb, within(1e-9));
  }

  @Test
  void gainDb_unknownLoudness_isZero() {
    for (NormalizationMode mode : NormalizationMode.values()) {
      assertThat(LoudnessNormalizer.gainDb(mode, TrackLoudness.UNKNOWN, -1.0)).isEqualTo(0.0);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 16, 24, 32})
  void process_modeOff_isBitExact(int bits) {
    PcmFormat format = new PcmFormat(48_000, 2, bits);
    Random random = new Random(bits);
    int[] input = new int[2 * 10_000];
    long range = 1L << bits;
    for (int i = 0; i < input.length; i++) {
      input[i] = (int) ((random.nextLong() & (range - 1)) - range / 2);
    }
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.OFF, format);
    normalizer.setTrackLoudness(TrackLoudness.of(-30.0, -20.0));

    PcmAssert.assertSamplesEqual(runTrack(normalizer, input, 2), input);
  }

  @Test
  void process_normalQuietTrack_reachesMinus14() {
    int[] input = quantise(stereo1k(44_100, segment(-20.0, 10)), 16);
    LoudnessMeter inputMeter = measure(input, CD);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.NORMAL, CD);
    normalizer.setTrackLoudness(
        TrackLoudness.of(inputMeter.integratedLufs(), inputMeter.truePeakDbtp()));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(normalizer.gainDb()).isCloseTo(6.0, within(0.1));
    assertThat(measure(output, CD).integratedLufs()).isCloseTo(-14.0, within(0.1));
    assertThat(measure(output, CD).truePeakDbtp()).isLessThanOrEqualTo(-1.0);
  }

  @Test
  void process_normalPeakyTrack_stopsAtCeiling() {
    // -20 LUFS sine with one 10 ms burst at -3 dBFS: gain is capped at +2 dB.
    double[] signal = stereo1k(44_100, segment(-20.0, 5), segment(-3.0, 0.01), segment(-20.0, 5));
    int[] input = quantise(signal, 16);
    LoudnessMeter inputMeter = measure(input, CD);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.NORMAL, CD);
    normalizer.setTrackLoudness(
        TrackLoudness.of(inputMeter.integratedLufs(), inputMeter.truePeakDbtp()));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(normalizer.gainDb()).isCloseTo(-1.0 - inputMeter.truePeakDbtp(), within(1e-9));
    assertThat(measure(output, CD).truePeakDbtp()).isCloseTo(-1.0, within(0.01));
    assertThat(normalizer.clippedSamples()).isZero();
  }

  @Test
  void process_quietLoudTrack_attenuatesToMinus19() {
    int[] input = quantise(stereo1k(44_100, segment(-9.0, 10)), 16);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.QUIET, CD);
    normalizer.setTrackLoudness(TrackLoudness.of(measure(input, CD).integratedLufs(), -9.0));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(measure(output, CD).integratedLufs()).isCloseTo(-19.0, within(0.1));
  }

  @Test
  void process_gain_roundsToNearestSample() {
    int[] input = {1000, -1000, 3, -3, 32767, -32768};
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.QUIET, CD);
    normalizer.setTrackLoudness(TrackLoudness.of(-13.0, 0.0));
    double gain = Math.pow(10, -6.0 / 20);

    int[] output = new int[input.length];
    normalizer.process(input, 3, output);

    for (int i = 0; i < input.length; i++) {
      assertThat(output[i]).as("sample %d", i).isEqualTo((int) Math.rint(input[i] * gain));
    }
  }

  @Test
  void process_wrongManifestPeak_clipsAndCounts() {
    // The manifest claims a -30 dBTP peak, but the track is at full scale: +16 dB of gain clips.
    int[] input = quantise(stereo1k(44_100, segment(0.0, 1)), 16);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.NORMAL, CD);
    normalizer.setTrackLoudness(TrackLoudness.of(-30.0, -30.0));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(normalizer.clippedSamples()).isPositive();
    assertThat(Arrays.stream(output).max().getAsInt()).isEqualTo(32767);
    assertThat(Arrays.stream(output).min().getAsInt()).isEqualTo(-32768);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 24, 32})
  void process_loudPeakyTrack_fullGainUnderCeiling(int bits) {
    PcmFormat format = new PcmFormat(48_000, 2, bits);
    // A -20 dBFS tone with a 2 ms burst at -3 dBFS, 3 kHz, at the start of every second.
    double[] tone = stereo1k(48_000, segment(-20.0, 10));
    double[] bursts = sine(3000, 48_000, 2, 0, segment(-3.0, 10));
    for (int i = 0; i < tone.length; i++) {
      if ((i / 2) % 48_000 < 96) {
        tone[i] += bursts[i];
      }
    }
    int[] input = quantise(tone, bits);
    LoudnessMeter inputMeter = measure(input, format);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.LOUD, format);
    normalizer.setTrackLoudness(
        TrackLoudness.of(inputMeter.integratedLufs(), inputMeter.truePeakDbtp()));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(output).hasSameSizeAs(input);
    LoudnessMeter outputMeter = measure(output, format);
    assertThat(outputMeter.truePeakDbtp()).isLessThanOrEqualTo(-1.0);
    // The limiter only lowers the loudness: it removes most of the bursts' energy, and for a few
    // hundred ms after each burst its release holds the tone below full gain (about -1 LU here).
    assertThat(outputMeter.integratedLufs()).isBetween(-12.5, -11.0);
    assertThat(normalizer.clippedSamples()).isZero();
    // From 0.8 s after each burst (8 release time constants) until the look-ahead of the next
    // burst (5 ms before it) the full gain applies.
    double gain = Math.pow(10, normalizer.gainDb() / 20);
    double lsb = 1.0 / (1L << (bits - 1));
    for (int second = 0; second < 10; second++) {
      for (int frame = second * 48_000 + 38_400; frame < (second + 1) * 48_000 - 300; frame++) {
        double expected = input[2 * frame] * gain;
        assertThat((double) output[2 * frame])
            .as("frame %d", frame)
            .isCloseTo(expected, within(Math.abs(expected) * 1e-3 + 1.0 + lsb));
      }
    }
  }

  @Test
  void process_loudWithoutPeaks_delaysButKeepsSamples() {
    PcmFormat format = new PcmFormat(48_000, 2, 24);
    int[] input = quantise(stereo1k(48_000, segment(-12.0, 1)), 24);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.LOUD, format);
    // Already at the LOUD target: 0 dB, and no peak reaches the ceiling.
    normalizer.setTrackLoudness(TrackLoudness.of(-11.0, -12.0));

    int[] output = runTrack(normalizer, input, 2);

    assertThat(normalizer.latencyFrames())
        .isEqualTo(240 + TruePeakInterpolator.LATENCY_SAMPLES - 1);
    PcmAssert.assertSamplesEqual(output, input);
  }

  @Test
  void setTrackLoudness_boundary_changesGainAtFrame() {
    int[] first = new int[2 * 500];
    int[] second = new int[2 * 500];
    Arrays.fill(first, 10_000);
    Arrays.fill(second, 10_000);
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.NORMAL, CD);
    int[] out = new int[first.length];

    normalizer.setTrackLoudness(TrackLoudness.of(-14.0, -20.0));
    normalizer.process(first, 500, out);
    assertThat(out).containsOnly(10_000);
    normalizer.setTrackLoudness(TrackLoudness.of(-20.0, -20.0));
    normalizer.process(second, 500, out);
    assertThat(out).containsOnly((int) Math.rint(10_000 * Math.pow(10, 6.0 / 20)));
  }

  @Test
  void process_inPlace_matchesSeparateOutput() {
    PcmFormat format = new PcmFormat(48_000, 2, 16);
    int[] input = quantise(stereo1k(48_000, segment(-3.0, 0.5)), 16);
    LoudnessNormalizer separate = normalizer(NormalizationMode.LOUD, format);
    separate.setTrackLoudness(TrackLoudness.of(-6.0, -3.0));
    int[] expected = new int[input.length];
    int expectedFrames = separate.process(input, input.length / 2, expected);
    LoudnessNormalizer inPlace = normalizer(NormalizationMode.LOUD, format);
    inPlace.setTrackLoudness(TrackLoudness.of(-6.0, -3.0));
    int[] buffer = input.clone();

    int frames = inPlace.process(buffer, buffer.length / 2, buffer);

    assertThat(frames).isEqualTo(expectedFrames);
    PcmAssert.assertSamplesEqual(
        Arrays.copyOf(buffer, 2 * frames), Arrays.copyOf(expected, 2 * frames));
  }

  @Test
  void open_withPendingFrames_throws() {
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.LOUD, CD);
    normalizer.process(new int[200], 100, new int[200]);

    assertThatThrownBy(() -> normalizer.open(new PcmFormat(48_000, 2, 16)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("flush");
    normalizer.flush(new int[2 * normalizer.latencyFrames()]);
    normalizer.open(new PcmFormat(48_000, 2, 16));
  }

  @Test
  void process_beforeOpen_throws() {
    LoudnessNormalizer normalizer = LoudnessNormalizer.builder().build();

    assertThatThrownBy(() -> normalizer.process(new int[2], 1, new int[2]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("open");
  }

  @Test
  void process_framesBeyondArray_throws() {
    LoudnessNormalizer normalizer = normalizer(NormalizationMode.NORMAL, CD);

    assertThatThrownBy(() -> normalizer.process(new int[10], 6, new int[10]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frames");
  }

  @Test
  void builder_outOfRangeSettings_throw() {
    assertThatThrownBy(() -> LoudnessNormalizer.builder().ceilingDbtp(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> LoudnessNormalizer.builder().lookAheadMs(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoudnessNormalizer.builder().releaseMs(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrackLoudness.of(Double.NEGATIVE_INFINITY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("integratedLufs");
  }
}
