package dev.tonearm.core.api;

/** Reaction to a track, sent with {@code POST /v1/recommendations/feedback}. */
public enum FeedbackEvent {
  /** The track was played; the server counts it as one success. */
  PLAY,
  /** The track was skipped; the server counts it as one failure. */
  SKIP,
  /** The track was saved; the server counts it as three successes. */
  SAVE
}
