package dev.tonearm.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks after a delay measured on the same time line as a {@link Clock}. Components that wait
 * (retry backoff) take a scheduler instead of sleeping, so that tests can run the waits by
 * advancing a fake clock.
 *
 * <p>Implementations must be thread-safe. Tasks must not block, because they may share one thread.
 */
public interface Scheduler {
  /** A scheduled task that has not run yet. */
  interface Cancellable {
    /** Keeps the task from running if it has not started; no effect afterwards. */
    void cancel();
  }

  /**
   * Runs {@code task} once, {@code delayMs} from now, on a thread of the scheduler.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the scheduler is shut down
   */
  Cancellable schedule(Runnable task, long delayMs);

  /** Returns a scheduler that runs tasks on {@code executor}, timed by {@link Clock#SYSTEM}. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (task, delayMs) -> {
      ScheduledFuture<?> future = executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    };
  }

  /**
   * Returns the process-wide scheduler on one daemon thread ({@code tonearm-scheduler}), created on
   * first use and never shut down.
   */
  static Scheduler system() {
    return SystemSchedulerHolder.INSTANCE;
  }

  /** Holder that creates the system scheduler's thread on first use. */
  final class SystemSchedulerHolder {
    static final Scheduler INSTANCE =
        of(
            Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "tonearm-scheduler");
                  thread.setDaemon(true);
                  return thread;
                }));

    private SystemSchedulerHolder() {}
  }
}
