package dev.tonearm.testing;

import dev.tonearm.core.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Scheduler} on a {@link FakeClock}: tasks run only when a test calls {@link #advanceMs},
 * on the test's thread, in due-time order. Thread-safe.
 */
public final class FakeScheduler implements Scheduler {
  private final FakeClock clock;
  private final List<Task> tasks = new ArrayList<>(); // Guarded by this.
  private long sequence; // Guarded by this.

  public FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Cancellable schedule(Runnable runnable, long delayMs) {
    Task task = new Task(runnable, clock.elapsedRealtimeMs() + delayMs, sequence++);
    tasks.add(task);
    notifyAll();
    return () -> {
      synchronized (FakeScheduler.this) {
        tasks.remove(task);
      }
    };
  }

  /** Returns the number of tasks waiting to run. */
  public synchronized int pendingCount() {
    return tasks.size();
  }

  /** Waits up to {@code timeoutMs} of real time until a task is pending; returns whether one is. */
  public synchronized boolean awaitPending(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (tasks.isEmpty()) {
      long leftNanos = deadline - System.nanoTime();
      if (leftNanos <= 0) {
        return false;
      }
      wait(Math.max(1, leftNanos / 1_000_000L));
    }
    return true;
  }

  /** Advances the clock by {@code ms} and runs every task that has become due. */
  public void advanceMs(long ms) {
    long target = clock.elapsedRealtimeMs() + ms;
    while (true) {
      Task due;
      synchronized (this) {
        due = null;
        for (Task task : tasks) {
          if (task.dueMs <= target
              && (due == null
                  || task.dueMs < due.dueMs
                  || (task.dueMs == due.dueMs && task.sequence < due.sequence))) {
            due = task;
          }
        }
        if (due == null) {
          break;
        }
        tasks.remove(due);
      }
      long now = clock.elapsedRealtimeMs();
      if (due.dueMs > now) {
        clock.advanceMs(due.dueMs - now);
      }
      due.runnable.run();
    }
    long now = clock.elapsedRealtimeMs();
    if (target > now) {
      clock.advanceMs(target - now);
    }
  }

  private static final class Task {
    final Runnable runnable;
    final long dueMs;
    final long sequence;

    Task(Runnable runnable, long dueMs, long sequence) {
      this.runnable = runnable;
      this.dueMs = dueMs;
      this.sequence = sequence;
    }
  }
}
