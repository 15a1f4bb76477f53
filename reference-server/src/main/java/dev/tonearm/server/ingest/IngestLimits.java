package dev.tonearm.server.ingest;

/** Bounds that delivered audio must meet to enter the catalog. */
public final class IngestLimits {
  /** Minimum decoded length. */
  public static final long MIN_DURATION_MS = 1_000;

  /** Lowest accepted sample rate. */
  public static final long MIN_SAMPLE_RATE_HZ = 8_000;

  /** Highest accepted sample rate. */
  public static final long MAX_SAMPLE_RATE_HZ = 192_000;

  /** Maximum channel count: the catalog serves mono and stereo only. */
  public static final int MAX_CHANNELS = 2;

  /** Largest Vorbis or FLAC metadata packet read while probing (tags, pictures). */
  public static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;

  private IngestLimits() {}
}
