package dev.tonearm.server.fault;

import java.util.Arrays;

/**
 * The faults that one response gets, merged from every rule and schedule draw that matched its
 * request. Immutable. A value of -1 (or 0 for {@link #bytesPerS}) means that fault is absent.
 *
 * @param latencyMs delay of the head, 0 for none
 * @param stallAfterBytes body bytes sent before the stall, -1 for none
 * @param stallMs stall length, -1 to stall until the client closes
 * @param resetAfterBytes body bytes sent before the reset (0 resets before the head), -1 for none
 * @param corruptOffsets sorted body offsets of the bytes to flip, possibly empty
 * @param truncateAfterBytes body bytes sent before the body ends, -1 for none
 * @param bytesPerS throughput cap, 0 for none
 */
record FaultPlan(
    long latencyMs,
    long stallAfterBytes,
    long stallMs,
    long resetAfterBytes,
    long[] corruptOffsets,
    long truncateAfterBytes,
    long bytesPerS) {

  /** A plan with no fault. */
  static final FaultPlan NONE = new FaultPlan(0, -1, -1, -1, new long[0], -1, 0);

  /** Returns whether the plan changes the response at all. */
  boolean isEmpty() {
    return latencyMs == 0
        && stallAfterBytes < 0
        && resetAfterBytes < 0
        && corruptOffsets.length == 0
        && truncateAfterBytes < 0
        && bytesPerS == 0;
  }

  /** Accumulates faults; the earliest byte position and the lowest cap win. Not thread-safe. */
  static final class Builder {
    private long latencyMs;
    private long stallAfterBytes = -1;
    private long stallMs = -1;
    private long resetAfterBytes = -1;
    private long[] corruptOffsets = new long[0];
    private long truncateAfterBytes = -1;
    private long bytesPerS;

    Builder addLatency(long ms) {
      latencyMs = Math.max(latencyMs, ms);
      return this;
    }

    /** Adds a stall after {@code afterBytes}, for {@code ms} or, with -1, until the close. */
    Builder addStall(long afterBytes, long ms) {
      if (stallAfterBytes < 0 || afterBytes < stallAfterBytes) {
        stallAfterBytes = afterBytes;
        stallMs = ms;
      }
      return this;
    }

    Builder addReset(long afterBytes) {
      resetAfterBytes = resetAfterBytes < 0 ? afterBytes : Math.min(resetAfterBytes, afterBytes);
      return this;
    }

    Builder addCorrupt(long... offsets) {
      long[] merged = Arrays.copyOf(corruptOffsets, corruptOffsets.length + offsets.length);
      System.arraycopy(offsets, 0, merged, corruptOffsets.length, offsets.length);
      corruptOffsets = merged;
      return this;
    }

    Builder addTruncate(long afterBytes) {
      truncateAfterBytes =
          truncateAfterBytes < 0 ? afterBytes : Math.min(truncateAfterBytes, afterBytes);
      return this;
    }

    Builder addThrottle(long cap) {
      bytesPerS = bytesPerS == 0 ? cap : Math.min(bytesPerS, cap);
      return this;
    }

    FaultPlan build() {
      long[] offsets = Arrays.stream(corruptOffsets).distinct().sorted().toArray();
      return new FaultPlan(
          latencyMs,
          stallAfterBytes,
          stallMs,
          resetAfterBytes,
          offsets,
          truncateAfterBytes,
          bytesPerS);
    }
  }
}
