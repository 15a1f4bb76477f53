package dev.tonearm.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KWeightingFilterTest {
  /** ITU-R BS.1770-4, Table 1: stage 1 (shelf) coefficients at 48 kHz, b0 b1 b2 a1 a2. */
  private static final double[] TABLE_SHELF_48K = {
    1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585
  };

  /** ITU-R BS.1770-4, Table 2: stage 2 (RLB high-pass) coefficients at 48 kHz. */
  private static final double[] TABLE_HIGH_PASS_48K = {
    1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621
  };

  @Test
  void coefficients_at48kHz_matchBs1770Table() {
    assertThat(KWeightingFilter.shelfCoefficients(48_000))
        .containsExactly(TABLE_SHELF_48K, within(1e-8));
    assertThat(KWeightingFilter.highPassCoefficients(48_000))
        .containsExactly(TABLE_HIGH_PASS_48K, within(1e-8));
  }

  /**
   * The derived filter must have the same response at every rate, up to a frequency well below the
   * lower Nyquist frequency, as the 48 kHz table filter: within 0.01 dB up to 16 kHz.
   */
  @ParameterizedTest
  @ValueSource(doubles = {44_100, 88_200, 96_000, 192_000, 384_000, 1_048_575, 35_467})
  void response_otherRates_matches48kHzTableResponse(double rateHz) {
    double limitHz = Math.min(16_000, rateHz * 0.4);
    for (double f = 20; f <= limitHz; f *= 1.1) {
      double table =
          responseDb(TABLE_SHELF_48K, 48_000, f) + responseDb(TABLE_HIGH_PASS_48K, 48_000, f);
      double derived =
          responseDb(KWeightingFilter.shelfCoefficients(rateHz), rateHz, f)
              + responseDb(KWeightingFilter.highPassCoefficients(rateHz), rateHz, f);

      assertThat(derived).as("%.0f Hz at %.0f Hz", f, rateHz).isCloseTo(table, within(0.01));
    }
  }

  /**
   * Below about 32 kHz the bilinear transform compresses frequencies near Nyquist, so the shelf
   * deviates from the 48 kHz response: measured 0.29 dB at 8 kHz and 0.03 dB at 22.05 kHz, both
   * near 2.5 kHz.
   */
  @ParameterizedTest
  @CsvSource({"8000, 0.3", "11025, 0.15", "16000, 0.07", "22050, 0.035"})
  void response_lowRates_staysNearTableResponse(double rateHz, double toleranceDb) {
    for (double f = 20; f <= rateHz * 0.4; f *= 1.05) {
      double table =
          responseDb(TABLE_SHELF_48K, 48_000, f) + responseDb(TABLE_HIGH_PASS_48K, 48_000, f);
      double derived =
          responseDb(KWeightingFilter.shelfCoefficients(rateHz), rateHz, f)
              + responseDb(KWeightingFilter.highPassCoefficients(rateHz), rateHz, f);

      assertThat(derived).as("%.0f Hz at %.0f Hz", f, rateHz).isCloseTo(table, within(toleranceDb));
    }
  }

  @Test
  void filter_1kHzSine_gainMatchesLoudnessOffset() {
    // BS.1770's -0.691 dB constant cancels the K-weighting gain at 997 Hz: +0.691 dB.
    double rate = 48_000;
    KWeightingFilter filter = new KWeightingFilter(rate, 1);
    double sumIn = 0;
    double sumOut = 0;
    for (int i = 0; i < 96_000; i++) {
      double x = Math.sin(2 * Math.PI * 997 * i / rate);
      double y = filter.filter(0, x);
      if (i >= 48_000) {
        sumIn += x * x;
        sumOut += y * y;
      }
    }

    assertThat(10 * Math.log10(sumOut / sumIn)).isCloseTo(0.691, within(0.005));
  }

  private static double responseDb(double[] c, double rateHz, double frequencyHz) {
    double w = 2 * Math.PI * frequencyHz / rateHz;
    double numRe = c[0] + c[1] * Math.cos(w) + c[2] * Math.cos(2 * w);
    double numIm = -c[1] * Math.sin(w) - c[2] * Math.sin(2 * w);
    double denRe = 1 + c[3] * Math.cos(w) + c[4] * Math.cos(2 * w);
    double denIm = -c[3] * Math.sin(w) - c[4] * Math.sin(2 * w);
    double magnitudeSquared = (numRe * numRe + numIm * numIm) / (denRe * denRe + denIm * denIm);
    return 10 * Math.log10(magnitudeSquared);
  }
}
