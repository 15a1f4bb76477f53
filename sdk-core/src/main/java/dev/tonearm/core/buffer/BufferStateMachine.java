package dev.tonearm.core.buffer;

import dev.tonearm.core.Clock;
import java.util.Objects;

/**
 * The buffer state of the playing track: BUFFERING, PLAYING or STABLE, driven by buffer-level
 * readings and time from an injected {@link Clock}.
 *
 * <p>Transitions, with the thresholds of {@link BufferPolicy}:
 *
 * <ul>
 *   <li>{@link #startBuffering()} (track start or seek) and {@link #onUnderrun()} (the decoder
 *       waits for a missing chunk) enter BUFFERING from any state;
 *   <li>BUFFERING goes to STABLE at the stable level or when the rest of the track is loaded, and
 *       otherwise to PLAYING at the playback level;
 *   <li>PLAYING goes to STABLE at the stable level or when the rest of the track is loaded;
 *   <li>STABLE goes back to PLAYING only below {@code stable - hysteresis} and while more data is
 *       still to come.
 * </ul>
 *
 * <p>A level below the playback threshold while PLAYING does not stop playback: it raises the load
 * priority to {@link LoadPriority#URGENT}, and playback stops only when data actually runs out.
 *
 * <p>Threading: not thread-safe. The playback thread owns it.
 */
public final class BufferStateMachine {
  private final BufferPolicy policy;
  private final Clock clock;

  private BufferState state = BufferState.BUFFERING;
  private long stateEnteredAtMs;
  private long lastBufferingDurationMs = -1;
  private int underrunCount;

  /** Creates a machine in BUFFERING. */
  public BufferStateMachine(BufferPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stateEnteredAtMs = clock.elapsedRealtimeMs();
  }

  /** Enters BUFFERING at a track start or seek. */
  public void startBuffering() {
    enter(BufferState.BUFFERING);
  }

  /** Enters BUFFERING because the decoder is waiting for data that is not loaded. */
  public void onUnderrun() {
    if (state != BufferState.BUFFERING) {
      underrunCount++;
    }
    enter(BufferState.BUFFERING);
  }

  /**
   * Applies a buffer reading and returns the resulting state.
   *
   * @param bufferedMs media buffered ahead of the read position, in milliseconds
   * @param loadedToEnd whether nothing more will arrive: the rest of the track is loaded, or
   *     loading failed and the decoder must run into the failure
   */
  public BufferState update(long bufferedMs, boolean loadedToEnd) {
    switch (state) {
      case BUFFERING:
        if (loadedToEnd || bufferedMs >= policy.stableBufferMs()) {
          enter(BufferState.STABLE);
        } else if (bufferedMs >= policy.bufferForPlaybackMs()) {
          enter(BufferState.PLAYING);
        }
        break;
      case PLAYING:
        if (loadedToEnd || bufferedMs >= policy.stableBufferMs()) {
          enter(BufferState.STABLE);
        }
        break;
      case STABLE:
        if (!loadedToEnd && bufferedMs < policy.stableBufferMs() - policy.stableHysteresisMs()) {
          enter(BufferState.PLAYING);
        }
        break;
    }
    return state;
  }

  /** Returns the current state. */
  public BufferState state() {
    return state;
  }

  /** Returns whether decoded audio may go to the sink, which holds in every state but BUFFERING. */
  public boolean canPlay() {
    return state != BufferState.BUFFERING;
  }

  /** Clock time at which the current state was entered, in {@link Clock} milliseconds. */
  public long stateEnteredAtMs() {
    return stateEnteredAtMs;
  }

  /** Time spent in the current state so far. */
  public long timeInStateMs() {
    return clock.elapsedRealtimeMs() - stateEnteredAtMs;
  }

  /** Duration of the most recent completed BUFFERING period, or -1 before the first. */
  public long lastBufferingDurationMs() {
    return lastBufferingDurationMs;
  }

  /** Underruns since this machine was created: entries into BUFFERING while playing. */
  public int underrunCount() {
    return underrunCount;
  }

  /** Returns the policy whose thresholds this machine applies. */
  public BufferPolicy policy() {
    return policy;
  }

  private void enter(BufferState next) {
    long nowMs = clock.elapsedRealtimeMs();
    if (next == state) {
      return;
    }
    if (state == BufferState.BUFFERING) {
      lastBufferingDurationMs = nowMs - stateEnteredAtMs;
    }
    state = next;
    stateEnteredAtMs = nowMs;
  }
}
