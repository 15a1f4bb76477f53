package dev.tonearm.core.sink;

import dev.tonearm.core.decode.PcmFormat;
import java.util.Objects;

/**
 * A sink that discards samples and counts them, for benchmarks and tests. Never blocks.
 *
 * <p>Threading: one thread writes; the counters may be read from any thread.
 */
public final class NullSink implements AudioSink {
  private volatile PcmFormat format;
  private volatile long framesWritten;
  private volatile int openCount;
  private volatile boolean closed;

  @Override
  public void open(PcmFormat format) {
    checkNotClosed();
    this.format = Objects.requireNonNull(format, "format");
    openCount++;
  }

  @Override
  public void write(int[] samples, int frames) {
    checkNotClosed();
    PcmFormat current = format;
    if (current == null) {
      throw new IllegalStateException("open(PcmFormat) must be called before write");
    }
    if (frames < 0 || (long) frames * current.channels() > samples.length) {
      throw new IllegalArgumentException(
          "frames must be in [0, " + samples.length / current.channels() + "]: " + frames);
    }
    framesWritten += frames;
  }

  @Override
  public void drain() {}

  @Override
  public boolean isRealTime() {
    return false;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Returns the frames written since creation. */
  public long framesWritten() {
    return framesWritten;
  }

  /** Returns the number of {@link #open} calls since creation. */
  public int openCount() {
    return openCount;
  }

  /** Returns the format of the last {@link #open}, or null before the first. */
  public PcmFormat format() {
    return format;
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("sink is closed");
    }
  }
}
