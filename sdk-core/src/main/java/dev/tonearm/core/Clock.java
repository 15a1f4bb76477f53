package dev.tonearm.core;

/**
 * Source of monotonic time for the SDK. Components take a clock instead of reading system time so
 * that tests can advance time without sleeping.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Clock {
  /** A clock backed by {@link System#nanoTime()}. */
  Clock SYSTEM = () -> System.nanoTime() / 1_000_000L;

  /**
   * Returns milliseconds since an arbitrary fixed origin. Values never decrease, and they are only
   * meaningful as differences.
   */
  long elapsedRealtimeMs();
}
