package dev.tonearm.server.resilience;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import java.util.Arrays;

/**
 * A real-time {@link AudioSink} that plays {@code speed} times faster than real time, modelling a
 * device with a buffer of 0.2 s of media: each write returns when at most that much written audio
 * remains unplayed. It keeps every sample, and measures stalls: wall time during which the sink
 * waited for data after it had caught up (an underrun at the device).
 *
 * <p>Threading: the playback thread writes; tests read after playback ended.
 */
final class PacedSink implements AudioSink {
  /**
   * Audio that the device keeps queued ahead of playback, like a hardware buffer: 0.2 s of media.
   */
  private static final double DEVICE_BUFFER_SECONDS = 0.2;

  private final double speed;
  private int[] samples = new int[1 << 20];
  private int size;
  private PcmFormat format;
  private long startNanos = -1;
  private double playedSeconds;
  private long stallCount;
  private long stallNanos;
  private long playedNanos;

  PacedSink(double speed) {
    this.speed = speed;
  }

  @Override
  public synchronized void open(PcmFormat format) {
    this.format = format;
  }

  @Override
  public void write(int[] block, int frames) throws java.io.IOException {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      if (startNanos < 0) {
        startNanos = now;
      }
      long emptyAtNanos = startNanos + (long) (playedSeconds / speed * 1e9);
      if (now > emptyAtNanos) {
        // The device ran dry before this block: a stall. Later blocks are paced from now.
        stallCount++;
        stallNanos += now - emptyAtNanos;
        startNanos += now - emptyAtNanos;
      }
      int count = frames * format.channels();
      if (size + count > samples.length) {
        samples = Arrays.copyOf(samples, Math.max(samples.length * 2, size + count));
      }
      System.arraycopy(block, 0, samples, size, count);
      size += count;
      playedSeconds += (double) frames / format.sampleRateHz();
      playedNanos = (long) (playedSeconds / speed * 1e9);
      waitNanos =
          startNanos
              + playedNanos
              - (long) (DEVICE_BUFFER_SECONDS / speed * 1e9)
              - System.nanoTime();
    }
    if (waitNanos > 0) {
      try {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("paced write interrupted");
      }
    }
  }

  @Override
  public void drain() {}

  @Override
  public boolean isRealTime() {
    return true;
  }

  @Override
  public void close() {}

  synchronized int[] samples() {
    return Arrays.copyOf(samples, size);
  }

  /** Underruns seen by the device: times it had to wait for a block. */
  synchronized long stallCount() {
    return stallCount;
  }

  /** Wall time the device waited for data, in milliseconds. */
  synchronized long stallMs() {
    return stallNanos / 1_000_000;
  }

  /** Wall time of the audio played so far at the sink's speed, in milliseconds. */
  synchronized long playedMs() {
    return playedNanos / 1_000_000;
  }
}
