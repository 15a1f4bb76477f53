package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Loudness of a track measured per ITU-R BS.1770 by the server at ingest. Immutable. */
public final class Loudness {
  private final double integratedLufs;
  private final double truePeakDbtp;

  @JsonCreator
  public Loudness(
      @JsonProperty("integratedLufs") double integratedLufs,
      @JsonProperty("truePeakDbtp") double truePeakDbtp) {
    this.integratedLufs = integratedLufs;
    this.truePeakDbtp = truePeakDbtp;
  }

  /** Integrated loudness of the whole track in LUFS. */
  public double integratedLufs() {
    return integratedLufs;
  }

  /** Maximum true peak in dBTP. */
  public double truePeakDbtp() {
    return truePeakDbtp;
  }

  @Override
  public String toString() {
    return integratedLufs + " LUFS, " + truePeakDbtp + " dBTP";
  }
}
