package dev.tonearm.core.audio;

/**
 * The K-weighting pre-filter of ITU-R BS.1770-4: a high-shelf stage (about +4 dB above 2 kHz,
 * modelling the acoustic effect of the head) followed by the RLB high-pass stage (about 38 Hz).
 *
 * <p>BS.1770-4 tabulates the coefficients only for 48 kHz. This class derives them for any sample
 * rate from second-order analog prototypes with the bilinear transform, prewarped at each stage's
 * centre frequency. With normalised Laplace variable {@code s} (the analog frequency divided by the
 * stage's angular centre frequency):
 *
 * <ul>
 *   <li>shelf: {@code H(s) = (Vh s^2 + (Vb / Q) s + 1) / (s^2 + s / Q + 1)}, f0 = 1681.974 Hz, Q =
 *       0.70718, Vh = +3.99984 dB, Vb = Vh^0.49967;
 *   <li>high-pass: {@code H(s) = s^2 / (s^2 + s / Q + 1)}, f0 = 38.135 Hz, Q = 0.50033.
 * </ul>
 *
 * <p>These prototype parameters were fitted to the 48 kHz table, and Audacity's loudness test
 * ({@code tests/octave/loudness_test.m}) uses the same values. At 48 kHz the derived coefficients
 * match the table to better than 1e-8. Below about 32 kHz the frequency warping of the bilinear
 * transform bends the shelf near Nyquist, by up to 0.29 dB at 8 kHz.
 *
 * <p>The table's high-pass numerator is {@code [1, -2, 1]} without normalisation, which gives the
 * stage a high-frequency gain of about +0.043 dB that the -0.691 dB constant of BS.1770 absorbs.
 * The derived high-pass numerator is scaled so that this gain is the same at every sample rate.
 *
 * <p>Not thread-safe: one instance filters the channels of one stream.
 */
final class KWeightingFilter {
  static final double SHELF_CENTRE_HZ = 1681.974450955533;
  static final double SHELF_Q = 0.7071752369554196;
  static final double SHELF_GAIN_DB = 3.999843853973347;
  static final double SHELF_MID_EXPONENT = 0.4996667741545416;
  static final double HIGH_PASS_CENTRE_HZ = 38.13547087602444;
  static final double HIGH_PASS_Q = 0.5003270373238773;

  /** Sample rate at which BS.1770-4 tabulates the coefficients. */
  private static final double TABLE_RATE_HZ = 48_000.0;

  /** Filter states below this magnitude are set to zero, so silence never computes denormals. */
  private static final double DENORMAL_FLOOR = 1e-30;

  private final int channels;
  // Coefficients in the order b0, b1, b2, a1, a2 (a0 normalised to 1).
  private final double[] shelf;
  private final double[] highPass;
  // Transposed direct form II state, two values per channel and stage.
  private final double[] shelfState;
  private final double[] highPassState;

  KWeightingFilter(double sampleRateHz, int channels) {
    this.channels = channels;
    this.shelf = shelfCoefficients(sampleRateHz);
    this.highPass = highPassCoefficients(sampleRateHz);
    this.shelfState = new double[2 * channels];
    this.highPassState = new double[2 * channels];
  }

  /** Returns the shelf stage's coefficients {b0, b1, b2, a1, a2} for {@code sampleRateHz}. */
  static double[] shelfCoefficients(double sampleRateHz) {
    double k = Math.tan(Math.PI * SHELF_CENTRE_HZ / sampleRateHz);
    double vh = Math.pow(10.0, SHELF_GAIN_DB / 20.0);
    double vb = Math.pow(vh, SHELF_MID_EXPONENT);
    double a0 = 1.0 + k / SHELF_Q + k * k;
    return new double[] {
      (vh + vb * k / SHELF_Q + k * k) / a0,
      2.0 * (k * k - vh) / a0,
      (vh - vb * k / SHELF_Q + k * k) / a0,
      2.0 * (k * k - 1.0) / a0,
      (1.0 - k / SHELF_Q + k * k) / a0
    };
  }

  /** Returns the high-pass stage's coefficients {b0, b1, b2, a1, a2} for {@code sampleRateHz}. */
  static double[] highPassCoefficients(double sampleRateHz) {
    double k = Math.tan(Math.PI * HIGH_PASS_CENTRE_HZ / sampleRateHz);
    double a0 = 1.0 + k / HIGH_PASS_Q + k * k;
    // Normalising by a0 would give unity gain at Nyquist. The 48 kHz table keeps the numerator
    // at [1, -2, 1], a gain of a0(48 kHz); every rate gets that same gain.
    double numeratorGain = highPassA0(TABLE_RATE_HZ) / a0;
    return new double[] {
      numeratorGain,
      -2.0 * numeratorGain,
      numeratorGain,
      2.0 * (k * k - 1.0) / a0,
      (1.0 - k / HIGH_PASS_Q + k * k) / a0
    };
  }

  private static double highPassA0(double sampleRateHz) {
    double k = Math.tan(Math.PI * HIGH_PASS_CENTRE_HZ / sampleRateHz);
    return 1.0 + k / HIGH_PASS_Q + k * k;
  }

  /** Filters one sample of {@code channel} and returns the K-weighted value. */
  double filter(int channel, double x) {
    int i = 2 * channel;
    double[] s = shelfState;
    double y1 = shelf[0] * x + s[i];
    s[i] = shelf[1] * x - shelf[3] * y1 + s[i + 1];
    s[i + 1] = shelf[2] * x - shelf[4] * y1;

    double[] h = highPassState;
    double y2 = highPass[0] * y1 + h[i];
    h[i] = highPass[1] * y1 - highPass[3] * y2 + h[i + 1];
    h[i + 1] = highPass[2] * y1 - highPass[4] * y2;
    return y2;
  }

  /** Sets filter states that decayed to denormal range to zero; call now and then. */
  void flushDenormals() {
    for (int i = 0; i < 2 * channels; i++) {
      if (Math.abs(shelfState[i]) < DENORMAL_FLOOR) {
        shelfState[i] = 0.0;
      }
      if (Math.abs(highPassState[i]) < DENORMAL_FLOOR) {
        highPassState[i] = 0.0;
      }
    }
  }

  void reset() {
    java.util.Arrays.fill(shelfState, 0.0);
    java.util.Arrays.fill(highPassState, 0.0);
  }
}
