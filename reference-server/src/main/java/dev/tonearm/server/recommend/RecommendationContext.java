package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * One recommendation request as the candidate sources see it: the caller, the catalog at the time
 * of the request and the shared feedback state. Not thread-safe, because of the random; one request
 * uses it on one thread.
 */
public final class RecommendationContext {
  private final String accountId;
  private final Map<String, TrackProfile> catalog;
  private final InteractionStore interactions;
  private final Random random;

  /**
   * Creates a context.
   *
   * @param catalog the tracks that may be recommended; duplicates of a track id keep the first
   */
  public RecommendationContext(
      String accountId, List<TrackProfile> catalog, InteractionStore interactions, Random random) {
    this.accountId = Objects.requireNonNull(accountId, "accountId");
    Map<String, TrackProfile> byId = new LinkedHashMap<>();
    for (TrackProfile profile : catalog) {
      byId.putIfAbsent(profile.trackId(), profile);
    }
    this.catalog = Collections.unmodifiableMap(byId);
    this.interactions = Objects.requireNonNull(interactions, "interactions");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The caller's account. */
  public String accountId() {
    return accountId;
  }

  /** The catalog by track id, in the order the profile source returned it. */
  public Map<String, TrackProfile> catalog() {
    return catalog;
  }

  /** The shared feedback state. */
  public InteractionStore interactions() {
    return interactions;
  }

  /** The request's random source, seeded in tests. */
  public Random random() {
    return random;
  }

  /** Returns the catalog tracks that the caller has played or saved. */
  public Set<String> played() {
    return interactions.playedTracks(accountId);
  }

  /**
   * Returns up to {@code max} played catalog tracks to base similarity on: the most engaged first
   * (successes minus failures), ties by track id.
   */
  public List<String> anchors(int max) {
    List<String> anchors = new ArrayList<>();
    for (String trackId : played()) {
      if (catalog.containsKey(trackId)) {
        anchors.add(trackId);
      }
    }
    Map<String, Double> weight = new LinkedHashMap<>();
    for (String trackId : anchors) {
      Engagement engagement = interactions.engagement(accountId, trackId);
      weight.put(trackId, engagement.successes() - engagement.failures());
    }
    anchors.sort(
        Comparator.comparing((String trackId) -> -weight.get(trackId))
            .thenComparing(Comparator.naturalOrder()));
    return anchors.size() <= max ? anchors : new ArrayList<>(anchors.subList(0, max));
  }
}
