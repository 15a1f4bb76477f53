package dev.tonearm.server.recommend;

/** A listener's reaction to a track, the reward signal of the engagement model. */
public enum FeedbackEvent {
  /** The track was played: one success. */
  PLAY,
  /** The track was skipped: one failure. */
  SKIP,
  /** The track was saved to the library: a strong success, worth {@link #SAVE_WEIGHT} plays. */
  SAVE;

  /** Successes that one save adds to a posterior. */
  public static final double SAVE_WEIGHT = 3.0;
}
