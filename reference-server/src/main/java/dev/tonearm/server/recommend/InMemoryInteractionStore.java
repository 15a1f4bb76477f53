package dev.tonearm.server.recommend;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link InteractionStore} in memory. Memory grows with the number of distinct (account, track)
 * pairs that received feedback; callers bound it by accepting feedback only for catalog tracks.
 *
 * <p>Popularity decays exponentially with {@link #DEFAULT_POPULARITY_HALF_LIFE} by default, read
 * from the injected clock: a play a half-life ago counts half as much as a play now.
 *
 * <p>Thread-safe. Each track's totals and popularity are updated under that track's lock, each
 * account's counts in a concurrent map.
 */
public final class InMemoryInteractionStore implements InteractionStore {
  /** Default half-life of a play's weight in {@link #popularity}: 7 days. */
  public static final Duration DEFAULT_POPULARITY_HALF_LIFE = Duration.ofDays(7);

  private final Clock clock;
  private final double halfLifeMs;
  private final Map<String, Map<String, Engagement>> byAccount = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> playedByAccount = new ConcurrentHashMap<>();
  private final Map<String, TrackTotals> byTrack = new ConcurrentHashMap<>();

  /** Creates a store with {@link #DEFAULT_POPULARITY_HALF_LIFE}. */
  public InMemoryInteractionStore(Clock clock) {
    this(clock, DEFAULT_POPULARITY_HALF_LIFE);
  }

  /** Creates a store whose popularity halves every {@code popularityHalfLife}. */
  public InMemoryInteractionStore(Clock clock, Duration popularityHalfLife) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (popularityHalfLife.isNegative() || popularityHalfLife.isZero()) {
      throw new IllegalArgumentException("popularityHalfLife must be > 0: " + popularityHalfLife);
    }
    this.halfLifeMs = popularityHalfLife.toMillis();
  }

  @Override
  public void record(String accountId, String trackId, FeedbackEvent event) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(trackId, "trackId");
    Objects.requireNonNull(event, "event");
    Engagement updated =
        byAccount
            .computeIfAbsent(accountId, id -> new ConcurrentHashMap<>())
            .merge(trackId, Engagement.NONE.plus(event), (old, one) -> old.plus(event));
    TrackTotals totals = byTrack.computeIfAbsent(trackId, id -> new TrackTotals());
    synchronized (totals) {
      totals.engagement = totals.engagement.plus(event);
      if (event != FeedbackEvent.SKIP) {
        totals.listeners.add(accountId);
        double weight = event == FeedbackEvent.SAVE ? FeedbackEvent.SAVE_WEIGHT : 1.0;
        long nowMs = clock.millis();
        totals.popularity = decayed(totals.popularity, totals.popularityAtMs, nowMs) + weight;
        totals.popularityAtMs = nowMs;
      }
    }
    if (updated.played()) {
      playedByAccount.computeIfAbsent(accountId, id -> ConcurrentHashMap.newKeySet()).add(trackId);
    }
  }

  @Override
  public Engagement engagement(String accountId, String trackId) {
    Map<String, Engagement> tracks = byAccount.get(accountId);
    return tracks == null ? Engagement.NONE : tracks.getOrDefault(trackId, Engagement.NONE);
  }

  @Override
  public Engagement totalEngagement(String trackId) {
    TrackTotals totals = byTrack.get(trackId);
    if (totals == null) {
      return Engagement.NONE;
    }
    synchronized (totals) {
      return totals.engagement;
    }
  }

  @Override
  public Set<String> playedTracks(String accountId) {
    Set<String> played = playedByAccount.get(accountId);
    return played == null ? Set.of() : Collections.unmodifiableSet(played);
  }

  @Override
  public Set<String> listeners(String trackId) {
    TrackTotals totals = byTrack.get(trackId);
    return totals == null ? Set.of() : Collections.unmodifiableSet(totals.listeners);
  }

  @Override
  public double popularity(String trackId) {
    TrackTotals totals = byTrack.get(trackId);
    if (totals == null) {
      return 0;
    }
    synchronized (totals) {
      return decayed(totals.popularity, totals.popularityAtMs, clock.millis());
    }
  }

  private double decayed(double value, long atMs, long nowMs) {
    // A clock that steps backwards leaves the value undecayed instead of inflating it.
    long ageMs = Math.max(0, nowMs - atMs);
    return value * Math.pow(0.5, ageMs / halfLifeMs);
  }

  /** Totals of one track; fields guarded by the object's own lock, except the concurrent set. */
  private static final class TrackTotals {
    final Set<String> listeners = ConcurrentHashMap.newKeySet();
    Engagement engagement = Engagement.NONE;
    double popularity;
    long popularityAtMs;
  }
}
