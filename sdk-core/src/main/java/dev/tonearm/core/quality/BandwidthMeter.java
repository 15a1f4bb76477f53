package dev.tonearm.core.quality;

/**
 * Estimate of download throughput: an exponentially weighted moving average (EWMA) of per-chunk
 * throughput samples.
 *
 * <p>Design note. Each sample is {@code bytes * 8000 / elapsedMs} bit/s, where the loader measures
 * {@code elapsedMs} from the request start to the last body byte with its injected clock. The
 * estimate after a sample is {@code weight * sample + (1 - weight) * estimate}, and the first sample
 * replaces the initial estimate. Samples under {@link #DEFAULT_MIN_SAMPLE_BYTES} are ignored
 * because their time is dominated by latency, not throughput. A zero elapsed time counts as 1 ms.
 * Chunks read from the cache are not samples.
 *
 * <p>Threading: thread-safe. Loader threads add samples while the playback thread reads the
 * estimate.
 */
public final class BandwidthMeter {
  /** Estimate before the first sample: 1,000,000 bit/s. */
  public static final long DEFAULT_INITIAL_ESTIMATE_BPS = 1_000_000;

  /** Weight of the newest sample in the average: 0.3. */
  public static final double DEFAULT_SAMPLE_WEIGHT = 0.3;

  /** Smallest transfer that counts as a sample: 16 KiB. */
  public static final long DEFAULT_MIN_SAMPLE_BYTES = 16 * 1024;

  private final long initialEstimateBps;
  private final double sampleWeight;
  private final long minSampleBytes;

  private long estimateBps; // Guarded by this.
  private int sampleCount; // Guarded by this.

  /** Creates a meter with the default initial estimate, weight and minimum sample size. */
  public BandwidthMeter() {
    this(DEFAULT_INITIAL_ESTIMATE_BPS, DEFAULT_SAMPLE_WEIGHT, DEFAULT_MIN_SAMPLE_BYTES);
  }

  /**
   * Creates a meter.
   *
   * @param initialEstimateBps estimate before the first sample, > 0
   * @param sampleWeight weight of the newest sample, in (0, 1]
   * @param minSampleBytes smallest transfer that counts as a sample, >= 1
   */
  public BandwidthMeter(long initialEstimateBps, double sampleWeight, long minSampleBytes) {
    if (initialEstimateBps <= 0) {
      throw new IllegalArgumentException("initialEstimateBps must be > 0: " + initialEstimateBps);
    }
    if (!(sampleWeight > 0 && sampleWeight <= 1)) {
      throw new IllegalArgumentException("sampleWeight must be in (0, 1]: " + sampleWeight);
    }
    if (minSampleBytes < 1) {
      throw new IllegalArgumentException("minSampleBytes must be >= 1: " + minSampleBytes);
    }
    this.initialEstimateBps = initialEstimateBps;
    this.sampleWeight = sampleWeight;
    this.minSampleBytes = minSampleBytes;
    this.estimateBps = initialEstimateBps;
  }

  /**
   * Adds a transfer of {@code bytes} that took {@code elapsedMs}.
   *
   * @throws IllegalArgumentException if either value is negative
   */
  public synchronized void addSample(long bytes, long elapsedMs) {
    if (bytes < 0 || elapsedMs < 0) {
      throw new IllegalArgumentException(
          "bytes and elapsedMs must be >= 0: " + bytes + ", " + elapsedMs);
    }
    if (bytes < minSampleBytes) {
      return;
    }
    double sampleBps = bytes * 8000.0 / Math.max(1, elapsedMs);
    if (sampleCount == 0) {
      estimateBps = Math.round(sampleBps);
    } else {
      estimateBps = Math.round(sampleWeight * sampleBps + (1 - sampleWeight) * estimateBps);
    }
    sampleCount++;
  }

  /** Returns the current estimate in bit/s. */
  public synchronized long estimateBps() {
    return estimateBps;
  }

  /** Returns the number of samples taken into the estimate. */
  public synchronized int sampleCount() {
    return sampleCount;
  }

  /** Forgets every sample and returns to the initial estimate. */
  public synchronized void reset() {
    estimateBps = initialEstimateBps;
    sampleCount = 0;
  }
}
