package dev.tonearm.core.source;

import java.util.Random;

/**
 * Retry delays that grow exponentially, with full jitter: the delay before retry {@code n} (counted
 * from 0) is drawn uniformly from {@code [0, min(maxDelayMs, baseDelayMs * 2^n)]}. Full jitter
 * spreads the retries of many clients that lost the network at the same moment, so they do not come
 * back in step (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * <p>Threading: thread-safe when the injected {@link Random} is, which {@code java.util.Random} is.
 */
public final class ExponentialBackoff {
  /** Upper bound of the first delay: 500 ms. */
  public static final long DEFAULT_BASE_DELAY_MS = 500;

  /** Cap of the delay's upper bound: 30000 ms. */
  public static final long DEFAULT_MAX_DELAY_MS = 30_000;

  private final long baseDelayMs;
  private final long maxDelayMs;
  private final Random random;

  /** Creates a backoff with the default delays and a new {@link Random}. */
  public ExponentialBackoff() {
    this(DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS, new Random());
  }

  /**
   * Creates a backoff.
   *
   * @param baseDelayMs upper bound of the first delay, at least 1
   * @param maxDelayMs cap of every delay, at least {@code baseDelayMs}
   * @param random source of the jitter; inject a seeded one for repeatable delays
   */
  public ExponentialBackoff(long baseDelayMs, long maxDelayMs, Random random) {
    if (baseDelayMs < 1) {
      throw new IllegalArgumentException("baseDelayMs must be >= 1: " + baseDelayMs);
    }
    if (maxDelayMs < baseDelayMs) {
      throw new IllegalArgumentException(
          "maxDelayMs must be >= baseDelayMs (" + baseDelayMs + "): " + maxDelayMs);
    }
    if (random == null) {
      throw new NullPointerException("random");
    }
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.random = random;
  }

  /** Returns the upper bound of the delay before retry {@code attempt} (0 for the first). */
  public long ceilingMs(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0: " + attempt);
    }
    int shift = Math.min(attempt, 62);
    long ceiling = baseDelayMs;
    for (int i = 0; i < shift && ceiling < maxDelayMs; i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, maxDelayMs);
  }

  /** Draws the delay before retry {@code attempt} (0 for the first), in milliseconds. */
  public long delayMs(int attempt) {
    long ceiling = ceilingMs(attempt);
    return (long) (random.nextDouble() * (ceiling + 1));
  }

  public long baseDelayMs() {
    return baseDelayMs;
  }

  public long maxDelayMs() {
    return maxDelayMs;
  }
}
