package dev.tonearm.server.recommend;

/**
 * Feedback counts for one track, from one account or from all of them. Immutable.
 *
 * @param plays {@link FeedbackEvent#PLAY} events
 * @param skips {@link FeedbackEvent#SKIP} events
 * @param saves {@link FeedbackEvent#SAVE} events
 */
public record Engagement(long plays, long skips, long saves) {
  /** No feedback. */
  public static final Engagement NONE = new Engagement(0, 0, 0);

  public Engagement {
    if (plays < 0 || skips < 0 || saves < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0: plays " + plays + ", skips " + skips + ", saves " + saves);
    }
  }

  /** Returns these counts with one more {@code event}. */
  public Engagement plus(FeedbackEvent event) {
    return switch (event) {
      case PLAY -> new Engagement(plays + 1, skips, saves);
      case SKIP -> new Engagement(plays, skips + 1, saves);
      case SAVE -> new Engagement(plays, skips, saves + 1);
    };
  }

  /** Returns the element-wise difference {@code this - other}, floored at zero. */
  public Engagement minus(Engagement other) {
    return new Engagement(
        Math.max(0, plays - other.plays),
        Math.max(0, skips - other.skips),
        Math.max(0, saves - other.saves));
  }

  /** Returns the success weight: plays plus {@link FeedbackEvent#SAVE_WEIGHT} per save. */
  public double successes() {
    return plays + FeedbackEvent.SAVE_WEIGHT * saves;
  }

  /** Returns the failure weight: one per skip. */
  public double failures() {
    return skips;
  }

  /** Returns whether the track counts as played: at least one play or save. */
  public boolean played() {
    return plays > 0 || saves > 0;
  }

  /** Returns the number of events of any kind. */
  public long total() {
    return plays + skips + saves;
  }
}
