package dev.tonearm.core.audio;

import java.util.Arrays;

/**
 * Estimates the true peak of a signal, its maximum between samples, by 4x oversampling as ITU-R
 * BS.1770-4 Annex 2 describes.
 *
 * <p>The interpolator is a polyphase FIR: a 128-tap windowed sinc (32 taps per phase) with its
 * cutoff at the input Nyquist frequency and a Kaiser window, beta = 7. It is designed here, not
 * taken from the 48-tap example of Annex 2, because that shorter filter rolls off well below
 * Nyquist. Each phase is normalised to unity gain at DC. Because the sinc is zero at whole-sample
 * offsets, phase 0 reproduces the input samples exactly, so the estimate never reads below the
 * sample peak.
 *
 * <p>Accuracy, from the phases' frequency responses and checked by {@code
 * TruePeakInterpolatorTest}: interpolated points are within 0.01 dB of the exact sine value up to
 * 0.42 fs (20 kHz at 48 kHz), and 0.39 dB low at 0.45 fs. Independently of the filter, a peak that
 * falls between two of the 4x points reads low, for a sine of frequency f by up to {@code -20
 * log10(cos(pi f / (4 fs)))}: 0.17 dB at 0.25 fs, 0.55 dB at 0.45 fs.
 *
 * <p>Interpolated values for the interval after sample {@code n - 16} become available when sample
 * {@code n} arrives. {@link #tailPeaks()} evaluates the last 16 intervals as if the signal
 * continued with silence, without changing the state.
 *
 * <p>Not thread-safe: one instance serves the channels of one stream.
 */
final class TruePeakInterpolator {
  static final int OVERSAMPLING = 4;
  static final int TAPS_PER_PHASE = 32;
  static final double KAISER_BETA = 7.0;

  /** Input samples between a sample and the last interpolated interval that uses it. */
  static final int LATENCY_SAMPLES = TAPS_PER_PHASE / 2;

  /**
   * Phase coefficients, {@code PHASES[p - 1][k]} for phases p = 1..3, ordered so that k = 0
   * multiplies the oldest sample in the window.
   */
  private static final double[][] PHASES = designPhases();

  private final int channels;
  // Per channel, the last TAPS_PER_PHASE samples, written twice so that a window is contiguous:
  // the window of channel c starts at c * 2 * TAPS_PER_PHASE + position + 1.
  private final double[] history;
  private int position;

  TruePeakInterpolator(int channels) {
    this.channels = channels;
    this.history = new double[channels * 2 * TAPS_PER_PHASE];
  }

  private static double[][] designPhases() {
    int length = TAPS_PER_PHASE * OVERSAMPLING;
    double[] prototype = new double[length];
    double windowNormaliser = besselI0(KAISER_BETA);
    for (int i = 0; i < length; i++) {
      double t = (i - length / 2) / (double) OVERSAMPLING;
      double sinc = t == 0.0 ? 1.0 : Math.sin(Math.PI * t) / (Math.PI * t);
      double r = (i - length / 2) / (double) (length / 2);
      double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0.0, 1.0 - r * r)));
      prototype[i] = sinc * window / windowNormaliser;
    }
    double[][] phases = new double[OVERSAMPLING - 1][TAPS_PER_PHASE];
    for (int p = 1; p < OVERSAMPLING; p++) {
      double sum = 0.0;
      for (int k = 0; k < TAPS_PER_PHASE; k++) {
        // Tap k * 4 + p weights input sample (i + TAPS_PER_PHASE / 2 - k) for the output at
        // i + p / 4; reversed here so that index 0 is the oldest sample of the window.
        double tap = prototype[k * OVERSAMPLING + p];
        phases[p - 1][TAPS_PER_PHASE - 1 - k] = tap;
        sum += tap;
      }
      for (int k = 0; k < TAPS_PER_PHASE; k++) {
        phases[p - 1][k] /= sum;
      }
    }
    return phases;
  }

  /** Modified Bessel function of the first kind, order 0, by its power series. */
  private static double besselI0(double x) {
    double sum = 1.0;
    double term = 1.0;
    double halfX = x / 2.0;
    for (int k = 1; k < 64; k++) {
      term *= (halfX / k) * (halfX / k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }

  /**
   * Appends one frame (one sample per channel, starting at {@code offset} of {@code frame}) and
   * stores, per channel, the largest interpolated magnitude of the newly complete interval into
   * {@code peaks} when it exceeds the stored value.
   */
  void push(double[] frame, int offset, double[] peaks) {
    int stride = 2 * TAPS_PER_PHASE;
    position = (position + 1) % TAPS_PER_PHASE;
    for (int c = 0; c < channels; c++) {
      int base = c * stride;
      double x = frame[offset + c];
      history[base + position] = x;
      history[base + position + TAPS_PER_PHASE] = x;
      double peak = intervalPeak(history, base + position + 1);
      if (peak > peaks[c]) {
        peaks[c] = peak;
      }
    }
  }

  /**
   * Returns, per channel, the largest interpolated magnitude of the intervals still pending, as if
   * silence followed the last sample. The state is left unchanged.
   */
  double[] tailPeaks() {
    double[] peaks = new double[channels];
    double[] window = new double[2 * TAPS_PER_PHASE];
    int stride = 2 * TAPS_PER_PHASE;
    for (int c = 0; c < channels; c++) {
      int start = c * stride + position + 1;
      System.arraycopy(history, start, window, 0, TAPS_PER_PHASE);
      Arrays.fill(window, TAPS_PER_PHASE, window.length, 0.0);
      for (int shift = 1; shift <= LATENCY_SAMPLES; shift++) {
        peaks[c] = Math.max(peaks[c], intervalPeak(window, shift));
      }
    }
    return peaks;
  }

  private static double intervalPeak(double[] samples, int start) {
    double peak = 0.0;
    for (double[] phase : PHASES) {
      double y = 0.0;
      for (int k = 0; k < TAPS_PER_PHASE; k++) {
        y += phase[k] * samples[start + k];
      }
      double magnitude = Math.abs(y);
      if (magnitude > peak) {
        peak = magnitude;
      }
    }
    return peak;
  }

  void reset() {
    Arrays.fill(history, 0.0);
    position = 0;
  }
}
