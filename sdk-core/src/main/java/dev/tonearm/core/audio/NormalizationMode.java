package dev.tonearm.core.audio;

/**
 * Loudness normalisation setting chosen by the listener. Immutable.
 *
 * <p>Gain towards the target is {@code targetLufs - trackIntegratedLufs}. In {@link #QUIET} and
 * {@link #NORMAL}, positive gain stops where the track's true peak would exceed the ceiling (-1
 * dBTP by default). {@link #LOUD} applies the whole gain and a look-ahead limiter keeps the peaks
 * under the ceiling. {@link #OFF} passes samples through unchanged.
 */
public enum NormalizationMode {
  /** No gain and no limiter; the output is bit-identical to the input. */
  OFF(Double.NaN, false),
  /** Target -19 LUFS, positive gain capped by true-peak headroom. */
  QUIET(-19.0, false),
  /** Target -14 LUFS, positive gain capped by true-peak headroom. The default. */
  NORMAL(-14.0, false),
  /** Target -11 LUFS, full gain, look-ahead peak limiter at the ceiling. */
  LOUD(-11.0, true);

  private final double targetLufs;
  private final boolean limited;

  NormalizationMode(double targetLufs, boolean limited) {
    this.targetLufs = targetLufs;
    this.limited = limited;
  }

  /** Target integrated loudness in LUFS; NaN for {@link #OFF}. */
  public double targetLufs() {
    return targetLufs;
  }

  /** Returns whether this mode applies the look-ahead limiter. */
  public boolean isLimited() {
    return limited;
  }
}
