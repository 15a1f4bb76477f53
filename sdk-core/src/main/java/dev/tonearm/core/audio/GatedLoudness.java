package dev.tonearm.core.audio;

import java.util.Arrays;

/**
 * The gating rules that turn lists of block energies into integrated loudness (ITU-R BS.1770-4) and
 * loudness range (EBU Tech 3342). Energies are channel-weighted mean squares of K-weighted samples;
 * loudness is {@code -0.691 + 10 log10(energy)}.
 */
final class GatedLoudness {
  /** The constant of BS.1770-4 that makes a 997 Hz sine at 0 dBFS on one channel read -3.01. */
  static final double LOUDNESS_OFFSET_DB = -0.691;

  static final double ABSOLUTE_GATE_LUFS = -70.0;
  static final double INTEGRATED_RELATIVE_GATE_LU = -10.0;
  static final double RANGE_RELATIVE_GATE_LU = -20.0;
  static final double RANGE_LOW_PERCENTILE = 0.10;
  static final double RANGE_HIGH_PERCENTILE = 0.95;

  private GatedLoudness() {}

  static double toLufs(double energy) {
    return energy > 0.0 ? LOUDNESS_OFFSET_DB + 10.0 * Math.log10(energy) : Double.NEGATIVE_INFINITY;
  }

  static double toEnergy(double lufs) {
    return Math.pow(10.0, (lufs - LOUDNESS_OFFSET_DB) / 10.0);
  }

  /**
   * Returns the integrated loudness of 400 ms gating blocks: the mean energy of the blocks above
   * -70 LUFS and above the relative gate, which is 10 LU below the mean of the blocks above -70
   * LUFS. Returns negative infinity when no block passes the absolute gate.
   */
  static double integratedLufs(DoubleList blockEnergies) {
    double absoluteGate = toEnergy(ABSOLUTE_GATE_LUFS);
    double meanAboveAbsolute = meanAbove(blockEnergies, absoluteGate);
    if (Double.isNaN(meanAboveAbsolute)) {
      return Double.NEGATIVE_INFINITY;
    }
    double relativeGate = meanAboveAbsolute * Math.pow(10.0, INTEGRATED_RELATIVE_GATE_LU / 10.0);
    double mean = meanAbove(blockEnergies, Math.max(absoluteGate, relativeGate));
    return Double.isNaN(mean) ? Double.NEGATIVE_INFINITY : toLufs(mean);
  }

  /**
   * Returns the loudness range in LU of 3 s short-term blocks by EBU Tech 3342: blocks above -70
   * LUFS and above a relative gate 20 LU below their mean energy are sorted, and the range is the
   * 95th minus the 10th percentile, each taken as the nearest rank {@code round((n - 1) * p)}.
   * Returns 0 when no block passes the gates.
   */
  static double loudnessRangeLu(DoubleList shortTermEnergies) {
    double absoluteGate = toEnergy(ABSOLUTE_GATE_LUFS);
    double meanAboveAbsolute = meanAbove(shortTermEnergies, absoluteGate);
    if (Double.isNaN(meanAboveAbsolute)) {
      return 0.0;
    }
    double gate =
        Math.max(absoluteGate, meanAboveAbsolute * Math.pow(10.0, RANGE_RELATIVE_GATE_LU / 10.0));
    double[] passed = new double[shortTermEnergies.size()];
    int count = 0;
    for (int i = 0; i < shortTermEnergies.size(); i++) {
      double energy = shortTermEnergies.get(i);
      if (energy > gate) {
        passed[count++] = energy;
      }
    }
    if (count == 0) {
      return 0.0;
    }
    Arrays.sort(passed, 0, count);
    double low = passed[(int) Math.round((count - 1) * RANGE_LOW_PERCENTILE)];
    double high = passed[(int) Math.round((count - 1) * RANGE_HIGH_PERCENTILE)];
    return toLufs(high) - toLufs(low);
  }

  /**
   * Returns the mean of the values strictly above {@code threshold}, or NaN when there are none.
   */
  private static double meanAbove(DoubleList values, double threshold) {
    double sum = 0.0;
    int count = 0;
    for (int i = 0; i < values.size(); i++) {
      double value = values.get(i);
      if (value > threshold) {
        sum += value;
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }
}
