package dev.tonearm.offline.internal;

import java.util.Random;

/**
 * Exponential backoff with full jitter: the delay before retry {@code n} is uniform in {@code [0,
 * min(max, base * 2^(n-1)))}. Full jitter keeps many clients that failed together from retrying
 * together (described in "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * <p>Thread-safe: draws are serialised on the shared {@link Random}.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final Random random;

  public Backoff(long baseMs, long maxMs, Random random) {
    if (baseMs <= 0 || maxMs < baseMs) {
      throw new IllegalArgumentException(
          "backoff needs 0 < baseMs <= maxMs: " + baseMs + ", " + maxMs);
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** Returns the upper bound of the delay before retry {@code attempt} (1 for the first). */
  public long ceilingMs(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
    }
    int shift = Math.min(attempt - 1, 62);
    long ceiling = baseMs << shift;
    if (ceiling <= 0 || ceiling > maxMs || (ceiling >> shift) != baseMs) {
      return maxMs;
    }
    return ceiling;
  }

  /** Returns a random delay in {@code [0, ceilingMs(attempt))}. */
  public long delayMs(int attempt) {
    long ceiling = ceilingMs(attempt);
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    return (long) (draw * ceiling);
  }
}
