package dev.tonearm.server.recommend;

import java.util.Set;

/**
 * Per-account feedback state of the recommender. The reference server keeps it in memory ({@link
 * InMemoryInteractionStore}), so a restart forgets it; a production deployment backs this with a
 * database or a feature store.
 *
 * <p>Implementations are thread-safe. Reads may miss events recorded concurrently, but each
 * returned value is internally consistent.
 */
public interface InteractionStore {
  /** Records one {@code event} by {@code accountId} on {@code trackId}. */
  void record(String accountId, String trackId, FeedbackEvent event);

  /** Returns the feedback of {@code accountId} on {@code trackId}. */
  Engagement engagement(String accountId, String trackId);

  /** Returns the feedback of all accounts on {@code trackId}. */
  Engagement totalEngagement(String trackId);

  /** Returns the tracks that {@code accountId} has played or saved; an unmodifiable view. */
  Set<String> playedTracks(String accountId);

  /** Returns the accounts that have played or saved {@code trackId}; an unmodifiable view. */
  Set<String> listeners(String trackId);

  /**
   * Returns the current popularity of {@code trackId}: plays and saves (weighted like the
   * engagement model), each decayed by its age, so recent plays count more.
   */
  double popularity(String trackId);
}
