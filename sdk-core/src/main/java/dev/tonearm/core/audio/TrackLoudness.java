package dev.tonearm.core.audio;

import java.util.Locale;

/**
 * Loudness of one track as the catalog manifest states it: integrated loudness (ITU-R BS.1770-4) in
 * LUFS and maximum true peak in dBTP. Immutable.
 */
public final class TrackLoudness {
  /** Loudness of a track whose manifest has none; normalisation applies 0 dB to it. */
  public static final TrackLoudness UNKNOWN = new TrackLoudness(Double.NaN, Double.NaN);

  private final double integratedLufs;
  private final double truePeakDbtp;

  private TrackLoudness(double integratedLufs, double truePeakDbtp) {
    this.integratedLufs = integratedLufs;
    this.truePeakDbtp = truePeakDbtp;
  }

  /**
   * Returns the loudness of a measured track.
   *
   * @throws IllegalArgumentException when a value is not finite; a silent track has no integrated
   *     loudness and should use {@link #UNKNOWN}
   */
  public static TrackLoudness of(double integratedLufs, double truePeakDbtp) {
    if (Double.isNaN(integratedLufs) || Double.isInfinite(integratedLufs)) {
      throw new IllegalArgumentException("integratedLufs must be finite: " + integratedLufs);
    }
    if (Double.isNaN(truePeakDbtp) || Double.isInfinite(truePeakDbtp)) {
      throw new IllegalArgumentException("truePeakDbtp must be finite: " + truePeakDbtp);
    }
    return new TrackLoudness(integratedLufs, truePeakDbtp);
  }

  /** Returns whether the values are known: false only for {@link #UNKNOWN}. */
  public boolean isKnown() {
    return !Double.isNaN(integratedLufs);
  }

  /** Integrated loudness in LUFS; NaN when unknown. */
  public double integratedLufs() {
    return integratedLufs;
  }

  /** Maximum true peak in dBTP; NaN when unknown. */
  public double truePeakDbtp() {
    return truePeakDbtp;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TrackLoudness)) {
      return false;
    }
    TrackLoudness that = (TrackLoudness) o;
    return Double.compare(integratedLufs, that.integratedLufs) == 0
        && Double.compare(truePeakDbtp, that.truePeakDbtp) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(integratedLufs) + Double.hashCode(truePeakDbtp);
  }

  @Override
  public String toString() {
    if (!isKnown()) {
      return "TrackLoudness{unknown}";
    }
    return String.format(
        Locale.ROOT, "TrackLoudness{%.2f LUFS, %.2f dBTP}", integratedLufs, truePeakDbtp);
  }
}
