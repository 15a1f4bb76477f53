package dev.tonearm.bench;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.PcmMd5;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Checks and times the join between the two tracks of a queue in the PCM stream that a player
 * writes, against a {@link ReferencePcm}.
 *
 * <p>The probe hashes the written frames {@code [0, firstTrackFrames)} and compares the hash with
 * the reference MD5 of the first track. It keeps the written frames from one second before the
 * expected boundary to one second after the expected end of the second track's reference head, and
 * then looks for that head, nearest to its expected index first. The gap is the written index of
 * the second track's frame 0 minus the first track's frame count: 0 for a sample-exact join,
 * positive when frames were inserted and negative when frames were dropped.
 *
 * <p>The transition time runs from the exit of the write that contains the first track's last frame
 * to the entry of the write that contains the second track's first frame. For comparison the probe
 * also records, for each pair of consecutive writes inside the first track, the time from the exit
 * of one to the entry of the next: the player's own work per block.
 *
 * <p>Threading: the playback thread calls {@link #onWrite}. {@link #await} and {@link #result} may
 * be called from any thread.
 */
final class TransitionProbe implements RecordingSink.WriteObserver {
  /**
   * The measured join.
   *
   * @param firstTrackMatches whether the first track's written PCM has the reference MD5
   * @param gapFrames frames inserted (positive) or dropped (negative) at the join, or null when the
   *     second track's head was not found within one second of its expected place
   * @param transitionNanos time from the first track's last frame to the second's first, or -1 when
   *     the head was not found
   * @param firstTrackLastExitNanos {@link System#nanoTime()} when the write containing the first
   *     track's last frame returned, or -1 when the head was not found
   * @param secondTrackFirstWriteFrame stream index of the first frame of the write that contains
   *     the second track's first frame, or -1 when the head was not found
   * @param blockWorkNanos per-block work inside the first track, sorted ascending
   * @param medianBlockFrames median frames per write inside the first track
   */
  record Result(
      boolean firstTrackMatches,
      Long gapFrames,
      long transitionNanos,
      long firstTrackLastExitNanos,
      long secondTrackFirstWriteFrame,
      long[] blockWorkNanos,
      int medianBlockFrames) {}

  private static final long WINDOW_SECONDS = 1;

  private final ReferencePcm reference;
  private final int channels;
  private final long firstTrackFrames;
  private final long windowStartFrame;
  private final long windowEndFrame;
  private final int[] window;
  private final PcmMd5 md5 = new PcmMd5();
  private final List<long[]> windowWrites = new ArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);

  private long[] blockWorkNanos = new long[8192];
  private int blockWorkCount;
  private int[] blockFrames = new int[8192];
  private int blockFramesCount;
  private long previousExitNanos = -1;
  private long framesSeen;
  private volatile Result result;

  TransitionProbe(ReferencePcm reference) {
    this.reference = reference;
    PcmFormat format = reference.format();
    this.channels = format.channels();
    this.firstTrackFrames = reference.firstTrackFrames();
    long windowFrames = WINDOW_SECONDS * format.sampleRateHz();
    int headFrames = reference.secondTrackHead().length / channels;
    this.windowStartFrame = Math.max(0, firstTrackFrames - windowFrames);
    this.windowEndFrame =
        firstTrackFrames + reference.secondTrackHeadOffsetFrames() + headFrames + windowFrames;
    this.window = new int[Math.toIntExact((windowEndFrame - windowStartFrame) * channels)];
  }

  @Override
  public void onWrite(
      int[] samples, int frames, PcmFormat format, long entryNanos, long exitNanos) {
    if (result != null) {
      return;
    }
    if (!format.equals(reference.format())) {
      throw new IllegalStateException(
          "the player wrote " + format + ", the reference is " + reference.format());
    }
    long start = framesSeen;
    long end = start + frames;
    if (start < firstTrackFrames) {
      int hashed = (int) Math.min(frames, firstTrackFrames - start);
      md5.update(samples, hashed * channels, format.bitsPerSample());
    }
    if (end <= firstTrackFrames) {
      recordBlock(frames, entryNanos, exitNanos);
    }
    long from = Math.max(start, windowStartFrame);
    long to = Math.min(end, windowEndFrame);
    if (from < to) {
      System.arraycopy(
          samples,
          (int) (from - start) * channels,
          window,
          (int) (from - windowStartFrame) * channels,
          (int) (to - from) * channels);
      windowWrites.add(new long[] {start, end, entryNanos, exitNanos});
    }
    framesSeen = end;
    if (framesSeen >= windowEndFrame) {
      result = evaluate();
      finished.countDown();
    }
  }

  /** Waits up to {@code timeoutMs} for the window to fill and returns whether it did. */
  boolean await(long timeoutMs) throws InterruptedException {
    return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Returns the measured join, or null before the window is full. */
  Result result() {
    return result;
  }

  private void recordBlock(int frames, long entryNanos, long exitNanos) {
    if (previousExitNanos >= 0) {
      if (blockWorkCount == blockWorkNanos.length) {
        blockWorkNanos = Arrays.copyOf(blockWorkNanos, blockWorkCount * 2);
      }
      blockWorkNanos[blockWorkCount++] = entryNanos - previousExitNanos;
    }
    previousExitNanos = exitNanos;
    if (blockFramesCount == blockFrames.length) {
      blockFrames = Arrays.copyOf(blockFrames, blockFramesCount * 2);
    }
    blockFrames[blockFramesCount++] = frames;
  }

  private Result evaluate() {
    boolean firstMatches =
        md5.sampleCount() == firstTrackFrames * channels
            && Arrays.equals(md5.digest(), reference.firstTrackMd5());
    Long gap = findGap();
    long transition = -1;
    long lastExit = -1;
    long firstWriteFrame = -1;
    if (gap != null) {
      long firstOfSecond = firstTrackFrames + gap;
      long lastOfFirst = Math.min(firstTrackFrames, firstOfSecond) - 1;
      long[] lastWrite = writeHolding(lastOfFirst);
      long[] firstWrite = writeHolding(firstOfSecond);
      lastExit = lastWrite[3];
      firstWriteFrame = firstWrite[0];
      transition = lastWrite == firstWrite ? 0 : firstWrite[2] - lastWrite[3];
    }
    long[] work = Arrays.copyOf(blockWorkNanos, blockWorkCount);
    Arrays.sort(work);
    int[] sizes = Arrays.copyOf(blockFrames, blockFramesCount);
    Arrays.sort(sizes);
    int medianFrames = sizes.length == 0 ? 0 : sizes[sizes.length / 2];
    return new Result(firstMatches, gap, transition, lastExit, firstWriteFrame, work, medianFrames);
  }

  /** Finds the head nearest to where a sample-exact join puts it, within the window. */
  private Long findGap() {
    int[] head = reference.secondTrackHead();
    long expected = firstTrackFrames + reference.secondTrackHeadOffsetFrames();
    long maxShift = windowEndFrame - windowStartFrame;
    for (long shift = 0; shift <= maxShift; shift++) {
      if (headAt(expected + shift, head)) {
        return shift;
      }
      if (shift > 0 && headAt(expected - shift, head)) {
        return -shift;
      }
    }
    return null;
  }

  private boolean headAt(long frame, int[] head) {
    if (frame < windowStartFrame
        || (frame - windowStartFrame) * channels + head.length > window.length) {
      return false;
    }
    int offset = (int) (frame - windowStartFrame) * channels;
    for (int i = 0; i < head.length; i++) {
      if (window[offset + i] != head[i]) {
        return false;
      }
    }
    return true;
  }

  private long[] writeHolding(long frame) {
    for (long[] write : windowWrites) {
      if (write[0] <= frame && frame < write[1]) {
        return write;
      }
    }
    throw new IllegalStateException("no recorded write contains frame " + frame);
  }
}
