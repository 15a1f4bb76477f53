package dev.tonearm.offline;

/**
 * Waits out a retry backoff. The default is {@link Thread#sleep(long)}; tests substitute one that
 * records the requested delays and returns at once.
 */
@FunctionalInterface
public interface RetrySleeper {
  RetrySleeper THREAD_SLEEP = Thread::sleep;

  /** Waits {@code delayMs}; throws when the waiting thread is interrupted by pause or close. */
  void sleep(long delayMs) throws InterruptedException;
}
