package dev.tonearm.sync.client;

import java.util.Random;

/**
 * Reconnect delays: exponential backoff with full jitter. Attempt n waits a uniformly random time
 * in {@code [0, min(maxDelayMs, initialDelayMs * 2^n)]}, which spreads the reconnects of many
 * clients after a server restart instead of synchronizing them.
 *
 * <p>Not thread-safe; {@link SyncClient} calls it under its lock.
 */
final class Backoff {
  private final long initialDelayMs;
  private final long maxDelayMs;
  private final Random random;

  Backoff(long initialDelayMs, long maxDelayMs, Random random) {
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.random = random;
  }

  /** Returns the upper bound of the delay before attempt {@code attempt} (0 = first retry). */
  long capMs(int attempt) {
    int doublings = Math.min(attempt, 40);
    long cap = initialDelayMs;
    for (int i = 0; i < doublings && cap < maxDelayMs; i++) {
      cap *= 2;
    }
    return Math.min(cap, maxDelayMs);
  }

  /** Returns a random delay in {@code [0, capMs(attempt)]}. */
  long delayMs(int attempt) {
    return (long) (random.nextDouble() * (capMs(attempt) + 1));
  }
}
