package dev.tonearm.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TruePeakInterpolatorTest {
  /**
   * Compares every interpolated point of a steady sine with the sine's exact value at that point.
   * The interpolated value of the interval after sample n - 16 becomes known when sample n arrives.
   * The first and last 100 samples, where the sine starts and stops, are left out.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.42, 0.45})
  void push_steadySine_matchesExactValuesBetweenSamples(double cyclesPerSample) {
    int length = 4000;
    double worstErrorDb = 0.0;
    for (double phaseDegrees : new double[] {0, 17, 45, 60, 88, 133}) {
      double phase = Math.toRadians(phaseDegrees);
      TruePeakInterpolator interpolator = new TruePeakInterpolator(1);
      double[] frame = new double[1];
      for (int n = 0; n < length; n++) {
        frame[0] = Math.sin(2 * Math.PI * cyclesPerSample * n + phase);
        double[] peak = new double[1];
        interpolator.push(frame, 0, peak);
        if (n < 100 || n > length - 100) {
          continue;
        }
        double exact = 0.0;
        for (int p = 1; p < TruePeakInterpolator.OVERSAMPLING; p++) {
          double t = n - TruePeakInterpolator.LATENCY_SAMPLES + p / 4.0;
          exact = Math.max(exact, Math.abs(Math.sin(2 * Math.PI * cyclesPerSample * t + phase)));
        }
        if (exact > 0.1) {
          worstErrorDb = Math.max(worstErrorDb, Math.abs(20 * Math.log10(peak[0] / exact)));
        }
      }
    }

    assertThat(worstErrorDb)
        .as("worst error at %.2f cycles per sample", cyclesPerSample)
        .isLessThan(cyclesPerSample <= 0.42 ? 0.01 : 0.4);
  }
}
