package dev.tonearm.server.recommend;

import java.util.Objects;

/** A rejected recommendation or feedback request, with a stable {@link Reason}. */
public final class RecommendationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Reason codes of a rejected request. */
  public enum Reason {
    /** The list length is outside [1, {@link Recommender#MAX_LIMIT}]. */
    INVALID_LIMIT,
    /** The track id is not in the catalog. */
    UNKNOWN_TRACK
  }

  private final Reason reason;

  public RecommendationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }
}
