package dev.tonearm.testing;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AudioSink} that keeps every written sample and every call, for assertions. It can be
 * gated: then each {@link #write} waits for a permit from {@link #permitWrites(int)}, which lets a
 * test hold the playback thread at a known block, the way a slow device would. A write hook can
 * block writes until a condition holds.
 *
 * <p>Threading: the playback thread writes; tests read and grant permits from their own thread.
 */
public final class CapturingSink implements AudioSink {
  /** Code run at the start of each write with the frames written before it. */
  public interface WriteHook {
    void beforeWrite(long framesWrittenBefore) throws InterruptedException;
  }

  private static final long WAIT_LIMIT_SECONDS = 20;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final boolean gated;

  // Guarded by lock.
  private final List<int[]> writes = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private long framesWritten;
  private int permits;
  private boolean waitingForPermit;
  private boolean closed;
  private PcmFormat format;

  private volatile WriteHook hook;

  private CapturingSink(boolean gated) {
    this.gated = gated;
  }

  /** Returns a sink that accepts every write at once, like a file. */
  public static CapturingSink immediate() {
    return new CapturingSink(false);
  }

  /** Returns a sink whose writes each wait for a permit. */
  public static CapturingSink gated() {
    return new CapturingSink(true);
  }

  public void setWriteHook(WriteHook hook) {
    this.hook = hook;
  }

  @Override
  public void open(PcmFormat format) {
    lock.lock();
    try {
      this.format = format;
      calls.add("open " + format);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(int[] samples, int frames) {
    WriteHook currentHook = hook;
    lock.lock();
    long before;
    try {
      before = framesWritten;
    } finally {
      lock.unlock();
    }
    if (currentHook != null) {
      try {
        currentHook.beforeWrite(before);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    lock.lock();
    try {
      if (gated) {
        waitingForPermit = true;
        changed.signalAll();
        while (permits == 0 && !closed) {
          try {
            changed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        waitingForPermit = false;
        if (closed) {
          return;
        }
        permits--;
      }
      writes.add(Arrays.copyOf(samples, frames * format.channels()));
      framesWritten += frames;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void drain() {
    lock.lock();
    try {
      calls.add("drain");
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isRealTime() {
    return gated;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      calls.add("close");
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Lets {@code count} more writes complete. */
  public void permitWrites(int count) {
    lock.lock();
    try {
      permits += count;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a write is blocked for want of a permit and {@code completedWrites} writes have
   * completed.
   */
  public void awaitBlockedAfter(int completedWrites) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_LIMIT_SECONDS);
    lock.lock();
    try {
      while (!(waitingForPermit && permits == 0 && writes.size() == completedWrites)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "sink did not block after " + completedWrites + " writes; writes=" + writes.size());
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns all samples written so far, concatenated. */
  public int[] samples() {
    lock.lock();
    try {
      int total = 0;
      for (int[] block : writes) {
        total += block.length;
      }
      int[] all = new int[total];
      int offset = 0;
      for (int[] block : writes) {
        System.arraycopy(block, 0, all, offset, block.length);
        offset += block.length;
      }
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the samples of write number {@code index}, counting completed writes from 0. */
  public int[] write(int index) {
    lock.lock();
    try {
      return writes.get(index).clone();
    } finally {
      lock.unlock();
    }
  }

  public int writeCount() {
    lock.lock();
    try {
      return writes.size();
    } finally {
      lock.unlock();
    }
  }

  /** Calls other than write, such as {@code "open 8000 Hz, 1 ch, 16 bit"} and {@code "drain"}. */
  public List<String> calls() {
    lock.lock();
    try {
      return new ArrayList<>(calls);
    } finally {
      lock.unlock();
    }
  }
}
