package dev.tonearm.server.sync;

import dev.tonearm.sync.client.SyncScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@link SyncScheduler} with a hand-driven clock: tasks run only inside {@link #advanceMs} or
 * {@link #runDue}, on the calling thread, in due-time then scheduling order. Thread-safe, so OkHttp
 * threads may schedule while a test waits in {@link #awaitScheduled}.
 */
final class FakeScheduler implements SyncScheduler {
  private static final class Task implements Comparable<Task> {
    final long dueMs;
    final long sequence;
    final Runnable runnable;
    boolean cancelled;

    Task(long dueMs, long sequence, Runnable runnable) {
      this.dueMs = dueMs;
      this.sequence = sequence;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task other) {
      return dueMs != other.dueMs
          ? Long.compare(dueMs, other.dueMs)
          : Long.compare(sequence, other.sequence);
    }
  }

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final List<Long> delays = new ArrayList<>();
  private long nowMs;
  private long sequence;

  @Override
  public synchronized Cancellable schedule(Runnable runnable, long delayMs) {
    Task task = new Task(nowMs + delayMs, sequence++, runnable);
    tasks.add(task);
    delays.add(delayMs);
    notifyAll();
    return () -> {
      synchronized (FakeScheduler.this) {
        task.cancelled = true;
      }
    };
  }

  /** Runs the tasks due now, including ones they schedule for now. */
  void runDue() {
    advanceMs(0);
  }

  /** Moves the clock forward, running each task when its time comes. */
  void advanceMs(long deltaMs) {
    long targetMs;
    synchronized (this) {
      targetMs = nowMs + deltaMs;
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.dueMs > targetMs) {
          nowMs = targetMs;
          return;
        }
        tasks.poll();
        nowMs = next.dueMs;
        if (next.cancelled) {
          continue;
        }
      }
      next.runnable.run();
    }
  }

  /** Returns the delay of every task scheduled so far, in scheduling order. */
  synchronized List<Long> delays() {
    return new ArrayList<>(delays);
  }

  /** Waits until at least {@code count} tasks have been scheduled in total. */
  synchronized void awaitScheduled(int count, long timeoutMs) throws InterruptedException {
    long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000;
    while (delays.size() < count) {
      long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        throw new AssertionError("only " + delays.size() + " of " + count + " tasks scheduled");
      }
      wait(leftMs);
    }
  }

  /** Waits until a task with a delay above zero is scheduled after the first {@code seen}. */
  synchronized long awaitDelayedTask(int seen, long timeoutMs) throws InterruptedException {
    long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      for (int i = seen; i < delays.size(); i++) {
        if (delays.get(i) > 0) {
          return delays.get(i);
        }
      }
      long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        throw new AssertionError("no delayed task scheduled after " + seen + ": " + delays);
      }
      wait(leftMs);
    }
  }
}
