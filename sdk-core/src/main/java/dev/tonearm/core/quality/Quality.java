package dev.tonearm.core.quality;

/** The user's streaming quality setting. */
public enum Quality {
  /** Vorbis at 24 kbit/s. */
  LOW(24),
  /** Vorbis at 96 kbit/s. */
  NORMAL(96),
  /** Vorbis at 160 kbit/s. */
  HIGH(160),
  /** Vorbis at 320 kbit/s. */
  VERY_HIGH(320),
  /** FLAC, or the best Vorbis rendition that the bandwidth allows when FLAC does not fit. */
  LOSSLESS(0);

  private final int vorbisBitrateKbps;

  Quality(int vorbisBitrateKbps) {
    this.vorbisBitrateKbps = vorbisBitrateKbps;
  }

  /** Returns the Vorbis bitrate of this setting in kbit/s, or 0 for {@link #LOSSLESS}. */
  public int vorbisBitrateKbps() {
    return vorbisBitrateKbps;
  }
}
