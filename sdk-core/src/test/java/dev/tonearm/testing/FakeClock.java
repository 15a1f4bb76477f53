package dev.tonearm.testing;

import dev.tonearm.core.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Clock} that moves only when a test advances it. Thread-safe. */
public final class FakeClock implements Clock {
  private final AtomicLong nowMs;

  public FakeClock(long startMs) {
    this.nowMs = new AtomicLong(startMs);
  }

  @Override
  public long elapsedRealtimeMs() {
    return nowMs.get();
  }

  /** Moves the clock forward by {@code ms}. */
  public void advanceMs(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("ms must be >= 0: " + ms);
    }
    nowMs.addAndGet(ms);
  }
}
