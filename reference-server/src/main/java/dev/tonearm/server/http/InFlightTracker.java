package dev.tonearm.server.http;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests whose response has not been fully written, so a shutdown can wait for them.
 * Once {@link #startDraining()} is called, {@link #isDraining()} returns true, and handlers close each
 * connection after its current response. Thread-safe.
 */
public final class InFlightTracker {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();

  /** Guarded by {@link #lock}. */
  private int inFlight;

  private volatile boolean draining;

  /** Records the start of a request. */
  public void begin() {
    lock.lock();
    try {
      inFlight++;
    } finally {
      lock.unlock();
    }
  }

  /** Records the end of a request started with {@link #begin()}. */
  public void end() {
    lock.lock();
    try {
      inFlight--;
      if (inFlight <= 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Requests started and not yet ended. */
  public int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** Marks the server as shutting down; responses from now on close their connection. */
  public void startDraining() {
    draining = true;
  }

  /** Returns whether the server is shutting down. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Waits until no request is in flight or {@code timeout} passes.
   *
   * @return true if no request is in flight
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long remainingNanos = timeout.toNanos();
    lock.lock();
    try {
      while (inFlight > 0) {
        if (remainingNanos <= 0) {
          return false;
        }
        remainingNanos = idle.awaitNanos(remainingNanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
