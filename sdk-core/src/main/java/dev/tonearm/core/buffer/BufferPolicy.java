package dev.tonearm.core.buffer;

/**
 * Thresholds of the playback buffer and the pure functions that apply them. Immutable and
 * thread-safe.
 *
 * <p>Design note. All levels are media time: milliseconds of audio buffered ahead of the decoder's
 * read position, converted from bytes with the rendition's average byte rate. The same rules
 * therefore hold for a real-time sink (the level falls as the device plays) and for a file sink
 * (the level falls as fast as the decoder runs). The bands are:
 *
 * <ul>
 *   <li>below {@link #bufferForPlaybackMs()} (default 5 s): BUFFERING after a start, seek or
 *       underrun. Playback waits, and the current track loads with {@link LoadPriority#URGENT};
 *   <li>from 5 s to {@link #stableBufferMs()} (default 15 s): PLAYING, loading with {@link
 *       LoadPriority#BACKGROUND} so that a next-track prefetch can share the link;
 *   <li>from 15 s to {@link #targetBufferMs()} (default 30 s): STABLE, still loading in the
 *       background;
 *   <li>at or above 30 s: loading stops, and it resumes as soon as the level is below 30 s again.
 * </ul>
 *
 * <p>Loading decisions are made per chunk, so the level overshoots the target by up to one chunk
 * (262144 bytes is about 13 s at 160 kbit/s), which is what keeps loading from toggling. The state
 * bands have hysteresis in {@link BufferStateMachine}: BUFFERING is entered only at an underrun and
 * left at 5 s, and STABLE is left only below {@code stableBufferMs - stableHysteresisMs}.
 *
 * <p>When {@link #prefetchRemainingMs()} (default 30 s) or less of the current track remains, the
 * next track's manifest and its first {@link #prefetchBufferMs()} (default 5 s) are loaded, so
 * that its decoder is ready before the current track ends.
 */
public final class BufferPolicy {
  /** Buffered media needed to start or resume playback after an underrun: 5 s. */
  public static final long DEFAULT_BUFFER_FOR_PLAYBACK_MS = 5_000;

  /** Buffered media at which the state becomes {@link BufferState#STABLE}: 15 s. */
  public static final long DEFAULT_STABLE_BUFFER_MS = 15_000;

  /**
   * Margin below {@link #DEFAULT_STABLE_BUFFER_MS} that the level must fall through before STABLE
   * turns back into PLAYING: 2 s, so STABLE is left below 13 s.
   */
  public static final long DEFAULT_STABLE_HYSTERESIS_MS = 2_000;

  /** Buffered media at which loading stops: 30 s. Loading resumes below it. */
  public static final long DEFAULT_TARGET_BUFFER_MS = 30_000;

  /** Remaining media in the current track at which the next track is prefetched: 30 s. */
  public static final long DEFAULT_PREFETCH_REMAINING_MS = 30_000;

  /** Media of the next track loaded by the prefetch: its first 5 s. */
  public static final long DEFAULT_PREFETCH_BUFFER_MS = 5_000;

  /** Builder of {@link BufferPolicy}. Every setter defaults to its {@code DEFAULT_} constant. */
  public static final class Builder {
    private long bufferForPlaybackMs = DEFAULT_BUFFER_FOR_PLAYBACK_MS;
    private long stableBufferMs = DEFAULT_STABLE_BUFFER_MS;
    private long stableHysteresisMs = DEFAULT_STABLE_HYSTERESIS_MS;
    private long targetBufferMs = DEFAULT_TARGET_BUFFER_MS;
    private long prefetchRemainingMs = DEFAULT_PREFETCH_REMAINING_MS;
    private long prefetchBufferMs = DEFAULT_PREFETCH_BUFFER_MS;

    /** Sets the level needed to leave BUFFERING. Default {@link #DEFAULT_BUFFER_FOR_PLAYBACK_MS}. */
    public Builder setBufferForPlaybackMs(long bufferForPlaybackMs) {
      this.bufferForPlaybackMs = bufferForPlaybackMs;
      return this;
    }

    /** Sets the level at which STABLE starts. Default {@link #DEFAULT_STABLE_BUFFER_MS}. */
    public Builder setStableBufferMs(long stableBufferMs) {
      this.stableBufferMs = stableBufferMs;
      return this;
    }

    /** Sets the hysteresis for leaving STABLE. Default {@link #DEFAULT_STABLE_HYSTERESIS_MS}. */
    public Builder setStableHysteresisMs(long stableHysteresisMs) {
      this.stableHysteresisMs = stableHysteresisMs;
      return this;
    }

    /** Sets the level at which loading stops. Default {@link #DEFAULT_TARGET_BUFFER_MS}. */
    public Builder setTargetBufferMs(long targetBufferMs) {
      this.targetBufferMs = targetBufferMs;
      return this;
    }

    /**
     * Sets the remaining time that triggers the next-track prefetch. Default {@link
     * #DEFAULT_PREFETCH_REMAINING_MS}.
     */
    public Builder setPrefetchRemainingMs(long prefetchRemainingMs) {
      this.prefetchRemainingMs = prefetchRemainingMs;
      return this;
    }

    /** Sets how much of the next track the prefetch loads. Default {@link #DEFAULT_PREFETCH_BUFFER_MS}. */
    public Builder setPrefetchBufferMs(long prefetchBufferMs) {
      this.prefetchBufferMs = prefetchBufferMs;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException unless {@code 0 < bufferForPlayback <= stable - hysteresis},
     *     {@code hysteresis >= 0}, {@code stable <= target}, {@code prefetchRemaining >= 0} and
     *     {@code prefetchBuffer > 0}
     */
    public BufferPolicy build() {
      if (bufferForPlaybackMs <= 0) {
        throw new IllegalArgumentException(
            "bufferForPlaybackMs must be > 0: " + bufferForPlaybackMs);
      }
      if (stableHysteresisMs < 0) {
        throw new IllegalArgumentException(
            "stableHysteresisMs must be >= 0: " + stableHysteresisMs);
      }
      if (stableBufferMs - stableHysteresisMs < bufferForPlaybackMs) {
        throw new IllegalArgumentException(
            "stableBufferMs - stableHysteresisMs must be >= bufferForPlaybackMs ("
                + bufferForPlaybackMs
                + "): "
                + stableBufferMs
                + " - "
                + stableHysteresisMs);
      }
      if (targetBufferMs < stableBufferMs) {
        throw new IllegalArgumentException(
            "targetBufferMs must be >= stableBufferMs (" + stableBufferMs + "): " + targetBufferMs);
      }
      if (prefetchRemainingMs < 0) {
        throw new IllegalArgumentException(
            "prefetchRemainingMs must be >= 0: " + prefetchRemainingMs);
      }
      if (prefetchBufferMs <= 0) {
        throw new IllegalArgumentException("prefetchBufferMs must be > 0: " + prefetchBufferMs);
      }
      return new BufferPolicy(this);
    }
  }

  private final long bufferForPlaybackMs;
  private final long stableBufferMs;
  private final long stableHysteresisMs;
  private final long targetBufferMs;
  private final long prefetchRemainingMs;
  private final long prefetchBufferMs;

  private BufferPolicy(Builder builder) {
    this.bufferForPlaybackMs = builder.bufferForPlaybackMs;
    this.stableBufferMs = builder.stableBufferMs;
    this.stableHysteresisMs = builder.stableHysteresisMs;
    this.targetBufferMs = builder.targetBufferMs;
    this.prefetchRemainingMs = builder.prefetchRemainingMs;
    this.prefetchBufferMs = builder.prefetchBufferMs;
  }

  /** Returns a policy with every threshold at its default. */
  public static BufferPolicy defaults() {
    return new Builder().build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the load priority of the current track for a buffer level.
   *
   * @param bufferedMs media buffered ahead of the read position
   * @param loadedToEnd whether every byte from the read position to the end is loaded
   */
  public LoadPriority loadPriority(long bufferedMs, boolean loadedToEnd) {
    if (loadedToEnd || bufferedMs >= targetBufferMs) {
      return LoadPriority.NONE;
    }
    return bufferedMs < bufferForPlaybackMs ? LoadPriority.URGENT : LoadPriority.BACKGROUND;
  }

  /** Returns whether the next track should be prefetched with {@code remainingMs} left to play. */
  public boolean shouldPrefetchNext(long remainingMs) {
    return remainingMs <= prefetchRemainingMs;
  }

  public long bufferForPlaybackMs() {
    return bufferForPlaybackMs;
  }

  public long stableBufferMs() {
    return stableBufferMs;
  }

  public long stableHysteresisMs() {
    return stableHysteresisMs;
  }

  public long targetBufferMs() {
    return targetBufferMs;
  }

  public long prefetchRemainingMs() {
    return prefetchRemainingMs;
  }

  public long prefetchBufferMs() {
    return prefetchBufferMs;
  }

  @Override
  public String toString() {
    return "BufferPolicy{play at "
        + bufferForPlaybackMs
        + " ms, stable at "
        + stableBufferMs
        + " ms (-"
        + stableHysteresisMs
        + "), target "
        + targetBufferMs
        + " ms, prefetch "
        + prefetchBufferMs
        + " ms at "
        + prefetchRemainingMs
        + " ms remaining}";
  }
}
