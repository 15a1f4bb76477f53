package dev.tonearm.drm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests set and advance by hand. Thread-safe. */
final class MutableClock extends Clock {
  private volatile long nowMs;

  MutableClock(long nowMs) {
    this.nowMs = nowMs;
  }

  void advance(Duration duration) {
    nowMs += duration.toMillis();
  }

  void setMillis(long nowMs) {
    this.nowMs = nowMs;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return nowMs;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(nowMs);
  }
}
