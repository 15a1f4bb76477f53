package dev.tonearm.core.audio;

import static dev.tonearm.core.audio.TestSignals.frames;
import static dev.tonearm.core.audio.TestSignals.segment;
import static dev.tonearm.core.audio.TestSignals.sine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LookAheadLimiterTest {
  private static final long RATE_HZ = 48_000;

  /** Runs {@code input} through a limiter and returns the output aligned with the input. */
  private static double[] limit(double[] input, int channels, double ceilingDbtp) {
    LookAheadLimiter limiter =
        new LookAheadLimiter(channels, ceilingDbtp, frames(0.005, RATE_HZ), 0.1 * RATE_HZ);
    int totalFrames = input.length / channels;
    int latency = limiter.latencyFrames();
    double[] padded = Arrays.copyOf(input, (totalFrames + latency) * channels);
    double[] output = new double[input.length];
    double[] frameOut = new double[channels];
    int written = 0;
    for (int f = 0; f < totalFrames + latency; f++) {
      if (limiter.process(padded, f * channels, frameOut, 0)) {
        System.arraycopy(frameOut, 0, output, written * channels, channels);
        written++;
      }
    }
    assertThat(written).isEqualTo(totalFrames);
    return output;
  }

  private static double truePeakDbtp(double[] samples, int channels) {
    LoudnessMeter meter = LoudnessMeter.builder(RATE_HZ, channels).build();
    meter.addSamples(samples, samples.length / channels);
    return meter.truePeakDbtp();
  }

  @Test
  void limit_loudStep_staysUnderCeiling() {
    // 1 s at -20 dBFS, then 1 s at +6 dBFS (over full scale as doubles), then quiet again.
    double[] input =
        sine(997, RATE_HZ, 2, 0, segment(-20, 1.0), segment(6.0, 1.0), segment(-20, 1.0));

    double[] output = limit(input, 2, -1.0);

    assertThat(truePeakDbtp(output, 2)).isLessThanOrEqualTo(-1.0);
    assertThat(truePeakDbtp(output, 2)).isGreaterThan(-1.5);
  }

  @Test
  void limit_interSamplePeaks_staysUnderCeiling() {
    // fs/4 at 45 degrees: sample peaks are 3 dB below the true peak, so a sample-peak limiter
    // would let the output reach +2 dBTP.
    double[] input = sine(RATE_HZ / 4.0, RATE_HZ, 1, 45, segment(0.0, 0.5));

    double[] output = limit(input, 1, -1.0);

    assertThat(truePeakDbtp(output, 1)).isLessThanOrEqualTo(-1.0);
  }

  @Test
  void limit_impulsiveNoise_neverExceedsCeiling() {
    Random random = new Random(7);
    double[] input = new double[2 * (int) RATE_HZ * 3];
    for (int i = 0; i < input.length; i++) {
      input[i] = 0.05 * random.nextGaussian();
      if (random.nextInt(5000) == 0) {
        input[i] = random.nextBoolean() ? 1.8 : -1.8;
      }
    }

    double[] output = limit(input, 2, -1.0);

    assertThat(truePeakDbtp(output, 2)).isLessThanOrEqualTo(-1.0);
  }

  @Test
  void limit_signalBelowCeiling_passesUnchanged() {
    double[] input = sine(440, RATE_HZ, 2, 0, segment(-6.0, 1.0));

    double[] output = limit(input, 2, -1.0);

    assertThat(Arrays.equals(output, input)).as("output equals input").isTrue();
  }

  @Test
  void limit_afterLoudPart_releasesToUnityGain() {
    double[] input = sine(997, RATE_HZ, 1, 0, segment(6.0, 0.5), segment(-20, 1.5));

    double[] output = limit(input, 1, -1.0);

    // 1 s after the loud part (10 release time constants) the gain is back to unity.
    int from = frames(1.5, RATE_HZ);
    for (int i = from; i < input.length; i++) {
      assertThat(output[i]).as("sample %d", i).isCloseTo(input[i], within(1e-4));
    }
  }

  @Test
  void limit_loudOnset_gainFallsBeforePeakArrives() {
    // Silence, then one full-scale-plus sample: the gain must already be low at that sample.
    double[] input = new double[4800];
    input[2400] = 2.0;

    double[] output = limit(input, 1, -1.0);

    assertThat(Math.abs(output[2400])).isLessThanOrEqualTo(Math.pow(10, -1.0 / 20));
    assertThat(truePeakDbtp(output, 1)).isLessThanOrEqualTo(-1.0);
  }
}
