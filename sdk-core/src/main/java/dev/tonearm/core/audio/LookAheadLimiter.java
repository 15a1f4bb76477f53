package dev.tonearm.core.audio;

import java.util.Arrays;

/**
 * A look-ahead peak limiter that keeps the true peak of its output at or below a ceiling, with one
 * gain for all channels so that the stereo image does not shift.
 *
 * <p>Design note. For each input sample {@code m} the limiter computes the gain {@code need[m] =
 * min(1, ceiling / peak[m])}, where {@code peak[m]} is the largest of the sample magnitudes and of
 * the 4x-interpolated values in the two intervals next to the sample (the same interpolator as
 * {@link LoudnessMeter}'s true peak). The applied gain is built in three steps over a look-ahead of
 * L samples:
 *
 * <ol>
 *   <li>{@code min[n]}: the minimum of {@code need} over the last L samples;
 *   <li>{@code released[n] = min(min[n], released[n-1] + (1 - released[n-1]) * r)}: a release that
 *       recovers towards unity with the release time constant and never exceeds {@code min[n]};
 *   <li>{@code gain[n]}: the mean of {@code released} over the last L samples.
 * </ol>
 *
 * <p>Sample {@code j} leaves the limiter multiplied by {@code gain[j + L - 1]}, which is a mean of
 * values that are each at most {@code need[j]}, so the gain at every sample is at most what that
 * sample needs, and it changes smoothly (a linear ramp over L samples at the fastest). The
 * interpolator needs 16 samples after each sample, so the latency is {@code L + 15} frames.
 *
 * <p>The ceiling is enforced on the interpolated peaks of the ungained signal times the gain.
 * Because the gain varies slowly, the output's own interpolated peaks differ from that product by
 * far less than {@link #SAFETY_MARGIN_DB}, which the limiter subtracts from the ceiling.
 *
 * <p>Not thread-safe: one playback thread feeds frames.
 */
final class LookAheadLimiter {
  /** Margin below the ceiling that absorbs the interpolation error of the gain modulation. */
  static final double SAFETY_MARGIN_DB = 0.05;

  private final int channels;
  private final int lookAheadFrames;
  private final double ceiling;
  private final double releaseCoefficient;
  private final int latencyFrames;
  private final TruePeakInterpolator interpolator;

  // Delayed audio, latencyFrames + 1 frames, indexed by frame % delayFrames.
  private final double[] delayLine;
  private final int delayFrames;
  // The last lookAheadFrames values of need, for the sliding minimum.
  private final double[] needWindow;
  // Monotonic queue of indices into the need sequence whose values increase from head to tail.
  private final long[] minQueue;
  private int minHead;
  private int minTail;
  // The last lookAheadFrames values of released, for the moving average.
  private final double[] releaseWindow;
  private double releaseSum;
  private final double[] intervalPeaks;

  private long inputFrames;
  private double previousInterval;
  private double released = 1.0;

  /**
   * Creates a limiter.
   *
   * @param ceilingDbtp maximum output true peak in dBTP
   * @param lookAheadFrames look-ahead L in frames, at least 1
   * @param releaseFrames time constant of the release in frames, at least 1
   */
  LookAheadLimiter(int channels, double ceilingDbtp, int lookAheadFrames, double releaseFrames) {
    this.channels = channels;
    this.lookAheadFrames = lookAheadFrames;
    this.ceiling = Math.pow(10.0, (ceilingDbtp - SAFETY_MARGIN_DB) / 20.0);
    this.releaseCoefficient = 1.0 - Math.exp(-1.0 / releaseFrames);
    this.latencyFrames = lookAheadFrames + TruePeakInterpolator.LATENCY_SAMPLES - 1;
    this.interpolator = new TruePeakInterpolator(channels);
    this.delayFrames = latencyFrames + 1;
    this.delayLine = new double[delayFrames * channels];
    this.needWindow = new double[lookAheadFrames];
    this.minQueue = new long[lookAheadFrames + 1];
    this.releaseWindow = new double[lookAheadFrames];
    this.intervalPeaks = new double[channels];
    reset();
  }

  /** Frames between a frame entering and the same frame leaving. */
  int latencyFrames() {
    return latencyFrames;
  }

  /**
   * Feeds one frame (from {@code input} at {@code inputOffset}) and, once the delay is full, writes
   * the frame leaving the limiter to {@code output} at {@code outputOffset}.
   *
   * @return whether a frame was written
   */
  boolean process(double[] input, int inputOffset, double[] output, int outputOffset) {
    long n = inputFrames++;
    int slot = (int) (n % delayFrames) * channels;
    System.arraycopy(input, inputOffset, delayLine, slot, channels);

    Arrays.fill(intervalPeaks, 0.0);
    interpolator.push(input, inputOffset, intervalPeaks);
    double interval = max(intervalPeaks);

    // need for sample m = n - 16, whose two neighbouring intervals are now both known.
    long m = n - TruePeakInterpolator.LATENCY_SAMPLES;
    double need = 1.0;
    if (m >= 0) {
      double peak = Math.max(Math.max(previousInterval, interval), sampleMagnitude(m));
      need = peak > ceiling ? ceiling / peak : 1.0;
    }
    previousInterval = interval;
    double windowMinimum = pushNeed(n, need);
    released = Math.min(windowMinimum, released + (1.0 - released) * releaseCoefficient);
    double gain = pushReleased(n, released);

    long leaving = n - latencyFrames;
    if (leaving < 0) {
      return false;
    }
    int leavingSlot = (int) (leaving % delayFrames) * channels;
    for (int c = 0; c < channels; c++) {
      output[outputOffset + c] = delayLine[leavingSlot + c] * gain;
    }
    return true;
  }

  /** Returns to the initial state: empty delay, unity gain. */
  void reset() {
    interpolator.reset();
    Arrays.fill(delayLine, 0.0);
    Arrays.fill(needWindow, 1.0);
    Arrays.fill(releaseWindow, 1.0);
    releaseSum = lookAheadFrames;
    minHead = 0;
    minTail = 0;
    inputFrames = 0;
    previousInterval = 0.0;
    released = 1.0;
  }

  /** Frames fed since the last reset. */
  long inputFrames() {
    return inputFrames;
  }

  private double sampleMagnitude(long frame) {
    int slot = (int) (frame % delayFrames) * channels;
    double peak = 0.0;
    for (int c = 0; c < channels; c++) {
      peak = Math.max(peak, Math.abs(delayLine[slot + c]));
    }
    return peak;
  }

  /** Adds need[index] and returns the minimum of the last lookAheadFrames values. */
  private double pushNeed(long index, double need) {
    needWindow[(int) (index % lookAheadFrames)] = need;
    int capacity = minQueue.length;
    while (minTail != minHead && valueAt(minQueue[(minTail - 1 + capacity) % capacity]) >= need) {
      minTail = (minTail - 1 + capacity) % capacity;
    }
    minQueue[minTail] = index;
    minTail = (minTail + 1) % capacity;
    while (minQueue[minHead] <= index - lookAheadFrames) {
      minHead = (minHead + 1) % capacity;
    }
    return valueAt(minQueue[minHead]);
  }

  private double valueAt(long index) {
    return needWindow[(int) (index % lookAheadFrames)];
  }

  /** Adds released[index] and returns the mean of the last lookAheadFrames values. */
  private double pushReleased(long index, double value) {
    int slot = (int) (index % lookAheadFrames);
    releaseSum += value - releaseWindow[slot];
    releaseWindow[slot] = value;
    if (slot == lookAheadFrames - 1) {
      // Recompute the running sum once per window so that rounding cannot accumulate.
      double sum = 0.0;
      for (double windowValue : releaseWindow) {
        sum += windowValue;
      }
      releaseSum = sum;
    }
    return releaseSum / lookAheadFrames;
  }

  private static double max(double[] values) {
    double max = 0.0;
    for (double value : values) {
      max = Math.max(max, value);
    }
    return max;
  }
}
