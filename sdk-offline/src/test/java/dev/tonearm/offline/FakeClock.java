package dev.tonearm.offline;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests move by hand. Thread-safe. */
public final class FakeClock extends Clock {
  private volatile long nowMs;

  public FakeClock(long startMs) {
    this.nowMs = startMs;
  }

  public void advanceMs(long deltaMs) {
    nowMs += deltaMs;
  }

  public void setMs(long value) {
    nowMs = value;
  }

  @Override
  public long millis() {
    return nowMs;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(nowMs);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests use UTC only");
  }
}
