package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.Loudness;
import java.util.Arrays;

/**
 * Integrated loudness and true peak after ITU-R BS.1770-4, for mono and stereo.
 *
 * <p>Design: each channel passes the two K-weighting biquads (a high shelf of about +4 dB above 1.5
 * kHz and a 38 Hz high pass). The filter coefficients come from the analog prototypes by the
 * bilinear transform, with the prototype parameters that libebur128 (MIT) derived from the
 * standard's 48 kHz coefficients, so every sample rate gets the same response. Mean squares are
 * kept per 100 ms; each 400 ms block (75 % overlap) is four of them. Integrated loudness gates
 * blocks at -70 LUFS, then at 10 LU below the mean of the remaining blocks. True peak is the
 * largest magnitude of a 4x oversampled signal, interpolated with a 49-tap Hann-windowed sinc, so
 * it is an estimate that may read slightly low between samples.
 *
 * <p>Silence yields -70.0 LUFS (the absolute gate) and -120.0 dBTP instead of minus infinity.
 *
 * <p>TODO: replace with {@code dev.tonearm.core.audio.LoudnessMeter} from sdk-core when it lands,
 * so the server and the player measure identically.
 *
 * <p>Not thread-safe: one meter per analysis.
 */
final class Bs1770Meter {
  private static final double ABSOLUTE_GATE_LUFS = -70.0;
  private static final double RELATIVE_GATE_LU = -10.0;
  private static final double SILENCE_PEAK_DBTP = -120.0;
  private static final int OVERSAMPLING = 4;
  private static final int TAPS_PER_PHASE = 12;
  private static final double[][] INTERPOLATION_PHASES = interpolationPhases();

  private final int channels;
  private final int subBlockFrames;
  private final double[][] filterCoefficients;
  /** Per channel: x1, x2, y1, y2 of stage 1, then x1, x2, y1, y2 of stage 2. */
  private final double[][] filterState;
  private final double[][] history;
  private int historyPosition;

  private final double[] subBlockSums;
  private int subBlockFill;
  private double[] subBlockMeans = new double[256];
  private int subBlockCount;
  private double peak;

  Bs1770Meter(long sampleRateHz, int channels) {
    if (channels < 1 || channels > 2) {
      throw new IllegalArgumentException("channels must be 1 or 2: " + channels);
    }
    this.channels = channels;
    this.subBlockFrames = (int) Math.max(1, Math.round(sampleRateHz / 10.0));
    this.filterCoefficients = kWeighting(sampleRateHz);
    this.filterState = new double[channels][8];
    this.history = new double[channels][TAPS_PER_PHASE];
    this.subBlockSums = new double[channels];
  }

  /** Adds {@code frames} frames of interleaved samples in [-1, 1]. */
  void accept(double[] interleaved, int frames) {
    for (int frame = 0; frame < frames; frame++) {
      for (int channel = 0; channel < channels; channel++) {
        double sample = interleaved[frame * channels + channel];
        double weighted = filter(channel, sample);
        subBlockSums[channel] += weighted * weighted;
        history[channel][historyPosition] = sample;
      }
      trackTruePeak();
      historyPosition = (historyPosition + 1) % TAPS_PER_PHASE;
      if (++subBlockFill == subBlockFrames) {
        closeSubBlock();
      }
    }
  }

  /** Returns the measurement over everything accepted so far, rounded to 0.1 dB. */
  Loudness result() {
    int blocks = subBlockCount - 3;
    double[] blockPower = new double[Math.max(0, blocks)];
    for (int i = 0; i < blocks; i++) {
      blockPower[i] =
          (subBlockMeans[i] + subBlockMeans[i + 1] + subBlockMeans[i + 2] + subBlockMeans[i + 3])
              / 4;
    }
    double absoluteGatePower = powerOf(ABSOLUTE_GATE_LUFS);
    double relativeGatePower = powerOf(loudnessOf(gatedMean(blockPower, absoluteGatePower))
        + RELATIVE_GATE_LU);
    double gatePower = Math.max(absoluteGatePower, relativeGatePower);
    double integrated = loudnessOf(gatedMean(blockPower, gatePower));
    if (Double.isNaN(integrated) || integrated < ABSOLUTE_GATE_LUFS) {
      integrated = ABSOLUTE_GATE_LUFS;
    }
    double truePeak = peak > 0 ? 20 * Math.log10(peak) : SILENCE_PEAK_DBTP;
    return new Loudness(roundTenth(integrated), roundTenth(Math.max(truePeak, SILENCE_PEAK_DBTP)));
  }

  private double filter(int channel, double x) {
    double[][] c = filterCoefficients;
    double[] s = filterState[channel];
    double y1 = c[0][0] * x + c[0][1] * s[0] + c[0][2] * s[1] - c[0][3] * s[2] - c[0][4] * s[3];
    s[1] = s[0];
    s[0] = x;
    s[3] = s[2];
    s[2] = y1;
    double y2 = c[1][0] * y1 + c[1][1] * s[4] + c[1][2] * s[5] - c[1][3] * s[6] - c[1][4] * s[7];
    s[5] = s[4];
    s[4] = y1;
    s[7] = s[6];
    s[6] = y2;
    return y2;
  }

  private void trackTruePeak() {
    for (int channel = 0; channel < channels; channel++) {
      double[] past = history[channel];
      for (double[] phase : INTERPOLATION_PHASES) {
        double value = 0;
        for (int tap = 0; tap < TAPS_PER_PHASE; tap++) {
          int index = Math.floorMod(historyPosition - tap, TAPS_PER_PHASE);
          value += phase[tap] * past[index];
        }
        peak = Math.max(peak, Math.abs(value));
      }
      peak = Math.max(peak, Math.abs(past[historyPosition]));
    }
  }

  private void closeSubBlock() {
    double sum = 0;
    for (int channel = 0; channel < channels; channel++) {
      sum += subBlockSums[channel] / subBlockFrames;
      subBlockSums[channel] = 0;
    }
    if (subBlockCount == subBlockMeans.length) {
      subBlockMeans = Arrays.copyOf(subBlockMeans, subBlockCount * 2);
    }
    subBlockMeans[subBlockCount++] = sum;
    subBlockFill = 0;
  }

  private static double gatedMean(double[] blockPower, double gatePower) {
    double sum = 0;
    int count = 0;
    for (double power : blockPower) {
      if (power > gatePower) {
        sum += power;
        count++;
      }
    }
    return count == 0 ? 0 : sum / count;
  }

  private static double loudnessOf(double power) {
    return -0.691 + 10 * Math.log10(power);
  }

  private static double powerOf(double loudness) {
    return Math.pow(10, (loudness + 0.691) / 10);
  }

  private static double roundTenth(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** Returns {b0, b1, b2, a1, a2} for the shelf and the high pass at {@code sampleRateHz}. */
  private static double[][] kWeighting(long sampleRateHz) {
    double shelfHz = 1681.974450955533;
    double shelfGainDb = 3.999843853973347;
    double shelfQ = 0.7071752369554196;
    double k = Math.tan(Math.PI * shelfHz / sampleRateHz);
    double vh = Math.pow(10, shelfGainDb / 20);
    double vb = Math.pow(vh, 0.4996667741545416);
    double a0 = 1 + k / shelfQ + k * k;
    double[] shelf = {
      (vh + vb * k / shelfQ + k * k) / a0,
      2 * (k * k - vh) / a0,
      (vh - vb * k / shelfQ + k * k) / a0,
      2 * (k * k - 1) / a0,
      (1 - k / shelfQ + k * k) / a0
    };
    double highPassHz = 38.13547087602444;
    double highPassQ = 0.5003270373238773;
    k = Math.tan(Math.PI * highPassHz / sampleRateHz);
    a0 = 1 + k / highPassQ + k * k;
    double[] highPass = {1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / highPassQ + k * k) / a0};
    return new double[][] {shelf, highPass};
  }

  /**
   * Splits a 49-tap Hann-windowed sinc (cut-off at the original Nyquist frequency) into the three
   * fractional phases 1/4, 2/4 and 3/4; phase 0 is the original sample.
   */
  private static double[][] interpolationPhases() {
    int length = OVERSAMPLING * TAPS_PER_PHASE + 1;
    double center = (length - 1) / 2.0;
    double[][] phases = new double[OVERSAMPLING - 1][TAPS_PER_PHASE];
    for (int phase = 1; phase < OVERSAMPLING; phase++) {
      for (int tap = 0; tap < TAPS_PER_PHASE; tap++) {
        int i = tap * OVERSAMPLING + (OVERSAMPLING - phase);
        double t = (i - center) / OVERSAMPLING;
        double sinc = t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
        double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (length - 1));
        phases[phase - 1][tap] = sinc * window;
      }
    }
    return phases;
  }
}
