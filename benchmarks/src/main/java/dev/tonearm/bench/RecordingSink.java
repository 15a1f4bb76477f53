package dev.tonearm.bench;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link AudioSink} decorator for playback benchmarks. It passes every call to a delegate and
 * records the {@link System#nanoTime()} of the first frame written, the frames written and the
 * thread that writes (the player's playback thread). It can pace writes like a sound device, and it
 * passes each write to a {@link WriteObserver}.
 *
 * <p>Pacing simulates a sound device from frame {@code pacingStartFrame} on: the device plays at
 * {@code speed} times real time (1 is real time, 10 ten times faster) and holds up to {@code
 * deviceBufferMs} of media. It starts playing once its buffer is full, as devices start after a
 * first fill. A write returns at once while its frames fit in the buffer. Otherwise it waits until
 * the buffer contains at most half its size, or just the new block when that is larger, so the
 * writer wakes once per half buffer as it does with many sound devices. When a write arrives after
 * the device has played everything written, the device has run dry: the sink records an underrun at
 * that write's first frame with the time the device spent empty, and playback resumes from that
 * write. Before {@code pacingStartFrame}, and always for an unpaced sink, writes return at once.
 *
 * <p>Threading: the playback thread calls the {@link AudioSink} methods. The getters and {@link
 * #awaitFirstFrame} may be called from any thread.
 */
final class RecordingSink implements AudioSink {
  /** Receives every write with the times at which it entered and left the sink. */
  interface WriteObserver {
    /**
     * Called on the playback thread after the delegate took the block and any pacing wait ended.
     */
    void onWrite(int[] samples, int frames, PcmFormat format, long entryNanos, long exitNanos);
  }

  /**
   * A write that found the simulated device empty.
   *
   * @param frame index of the write's first frame in the stream written to this sink
   * @param dryNanos time the device had been empty when the write arrived
   */
  record Underrun(long frame, long dryNanos) {}

  private static final WriteObserver NO_OBSERVER = (samples, frames, format, entry, exit) -> {};

  private final AudioSink delegate;
  private final double speed;
  private final long pacingStartFrame;
  private final long deviceBufferMs;
  private final WriteObserver observer;
  private final CountDownLatch firstFrame = new CountDownLatch(1);

  private volatile long firstFrameNanos;
  private volatile long framesWritten;
  private volatile Thread writerThread;
  private final List<Underrun> underruns = Collections.synchronizedList(new ArrayList<>());
  private PcmFormat format;

  /** Device clock origin: {@code originFrames} had played at this time. -1 before pacing. */
  private long originNanos = -1;

  private long originFrames;
  private long queuedFrames;

  private RecordingSink(
      AudioSink delegate,
      double speed,
      long pacingStartFrame,
      long deviceBufferMs,
      WriteObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.speed = speed;
    this.pacingStartFrame = pacingStartFrame;
    this.deviceBufferMs = deviceBufferMs;
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** Returns a sink that never waits. */
  static RecordingSink unpaced(AudioSink delegate) {
    return new RecordingSink(delegate, 0, Long.MAX_VALUE, 0, NO_OBSERVER);
  }

  /** Returns a sink that never waits and passes each write to {@code observer}. */
  static RecordingSink unpaced(AudioSink delegate, WriteObserver observer) {
    return new RecordingSink(delegate, 0, Long.MAX_VALUE, 0, observer);
  }

  /**
   * Returns a sink that simulates a device playing at {@code speed} times real time with a buffer
   * of {@code deviceBufferMs} of media, from frame {@code pacingStartFrame} on.
   */
  static RecordingSink paced(
      AudioSink delegate,
      double speed,
      long pacingStartFrame,
      long deviceBufferMs,
      WriteObserver observer) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be > 0: " + speed);
    }
    if (deviceBufferMs <= 0) {
      throw new IllegalArgumentException("deviceBufferMs must be > 0: " + deviceBufferMs);
    }
    return new RecordingSink(delegate, speed, pacingStartFrame, deviceBufferMs, observer);
  }

  @Override
  public void open(PcmFormat format) throws IOException {
    writerThread = Thread.currentThread();
    this.format = format;
    delegate.open(format);
  }

  @Override
  public void write(int[] samples, int frames) throws IOException {
    long entryNanos = System.nanoTime();
    delegate.write(samples, frames);
    if (frames > 0 && firstFrame.getCount() > 0) {
      firstFrameNanos = entryNanos;
      firstFrame.countDown();
    }
    long before = framesWritten;
    framesWritten = before + frames;
    if (speed > 0 && before + frames > pacingStartFrame) {
      pace(before, frames - (int) Math.max(0, pacingStartFrame - before), entryNanos);
    }
    observer.onWrite(samples, frames, format, entryNanos, System.nanoTime());
  }

  @Override
  public void drain() throws IOException {
    delegate.drain();
  }

  @Override
  public boolean isRealTime() {
    return speed > 0 || delegate.isRealTime();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** Waits up to {@code timeoutMs} for the first frame and returns whether it arrived. */
  boolean awaitFirstFrame(long timeoutMs) throws InterruptedException {
    return firstFrame.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Returns {@link System#nanoTime()} at the entry of the first write with frames, or 0. */
  long firstFrameNanos() {
    return firstFrameNanos;
  }

  long framesWritten() {
    return framesWritten;
  }

  /** Returns the thread that opened the sink, or null before the first {@code open}. */
  Thread writerThread() {
    return writerThread;
  }

  /** Returns a copy of the device underruns since pacing started, oldest first. */
  List<Underrun> underruns() {
    synchronized (underruns) {
      return new ArrayList<>(underruns);
    }
  }

  /**
   * Queues {@code newFrames} on the simulated device, waiting for room first.
   *
   * @param writeStartFrame index of the write's first frame in the stream
   */
  private void pace(long writeStartFrame, int newFrames, long entryNanos)
      throws InterruptedIOException {
    double framesPerNano = format.sampleRateHz() * speed / 1e9;
    long bufferFrames = format.usToFrames(deviceBufferMs * 1000);
    if (originNanos < 0) {
      if (queuedFrames + newFrames <= bufferFrames) {
        queuedFrames += newFrames;
        return;
      }
      originNanos = entryNanos; // The buffer is full, so the device starts playing.
      originFrames = 0;
    } else if (playedFrames(entryNanos, framesPerNano) >= queuedFrames) {
      long dryAtNanos = originNanos + (long) ((queuedFrames - originFrames) / framesPerNano);
      underruns.add(new Underrun(writeStartFrame, entryNanos - dryAtNanos));
      originNanos = entryNanos;
      originFrames = queuedFrames;
    }
    if (queuedFrames + newFrames - playedFrames(entryNanos, framesPerNano) > bufferFrames) {
      long allowedFrames = Math.max(bufferFrames / 2, newFrames);
      long mustHavePlayed = queuedFrames + newFrames - allowedFrames;
      long deadlineNanos = originNanos + (long) ((mustHavePlayed - originFrames) / framesPerNano);
      long remainingNanos;
      while ((remainingNanos = deadlineNanos - System.nanoTime()) > 0) {
        LockSupport.parkNanos(remainingNanos);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("paced write interrupted");
        }
      }
    }
    queuedFrames += newFrames;
  }

  private long playedFrames(long nowNanos, double framesPerNano) {
    long played = originFrames + (long) ((nowNanos - originNanos) * framesPerNano);
    return Math.min(played, queuedFrames);
  }
}
