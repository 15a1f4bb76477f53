package dev.tonearm.sync.client;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs delayed tasks for {@link SyncClient}: batching, reconnect backoff, storage compaction and
 * listener callbacks. Tests pass a fake whose time they advance by hand.
 *
 * <p>Implementations must be thread-safe and run tasks scheduled for the same time in the order
 * they were scheduled.
 */
public interface SyncScheduler {
  /** Handle of a scheduled task. */
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. */
    void cancel();
  }

  /** Runs {@code task} once after {@code delayMs} milliseconds. */
  Cancellable schedule(Runnable task, long delayMs);

  /** Returns a scheduler backed by {@code executor}, which the caller shuts down. */
  static SyncScheduler of(ScheduledExecutorService executor) {
    return (task, delayMs) -> {
      ScheduledFuture<?> future = executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    };
  }
}
