package dev.tonearm.server.recommend;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Offline evaluation of candidate sources by hit rate at k on held-out plays.
 *
 * <p>From the accounts with at least {@code minTracksPerAccount} played tracks, a seeded sample is
 * drawn. Each sampled account has a share of its tracks held out; every other play is recorded as
 * one {@link FeedbackEvent#PLAY}, so popularity is the number of listeners. Each source then
 * proposes tracks for each sampled account, the account's remaining played tracks are removed, and
 * the account is a hit when one of the first k proposals is held out. The hit rate is hits divided
 * by sampled accounts.
 *
 * <p>All randomness comes from the seed, so a run is repeatable. Not thread-safe.
 */
public final class HoldoutEvaluation {
  private final Map<String, Set<String>> tracksByAccount;
  private final int sampleSize;
  private final double holdoutShare;
  private final int minTracksPerAccount;
  private final long seed;

  /** Hit rate of one source. Immutable. */
  public record SourceResult(SourceKind source, int accounts, int hits) {
    /** Returns hits divided by accounts, or 0 without accounts. */
    public double hitRate() {
      return accounts == 0 ? 0 : (double) hits / accounts;
    }
  }

  /**
   * Prepares an evaluation.
   *
   * @param tracksByAccount played tracks of each account
   * @param sampleSize accounts to evaluate, at most the eligible ones
   * @param holdoutShare share of each sampled account's tracks to hold out, in (0, 1). At least one
   *     track is held out and at least one stays in the training plays.
   * @param minTracksPerAccount accounts with fewer played tracks are not sampled; at least 2
   */
  public HoldoutEvaluation(
      Map<String, Set<String>> tracksByAccount,
      int sampleSize,
      double holdoutShare,
      int minTracksPerAccount,
      long seed) {
    this.tracksByAccount =
        new TreeMap<>(Objects.requireNonNull(tracksByAccount, "tracksByAccount"));
    if (sampleSize <= 0) {
      throw new IllegalArgumentException("sampleSize must be > 0: " + sampleSize);
    }
    if (!(holdoutShare > 0 && holdoutShare < 1)) {
      throw new IllegalArgumentException("holdoutShare must be in (0, 1): " + holdoutShare);
    }
    if (minTracksPerAccount < 2) {
      throw new IllegalArgumentException(
          "minTracksPerAccount must be >= 2: " + minTracksPerAccount);
    }
    this.sampleSize = sampleSize;
    this.holdoutShare = holdoutShare;
    this.minTracksPerAccount = minTracksPerAccount;
    this.seed = seed;
  }

  /** Runs every source in {@code sources} on the same split and returns their results in order. */
  public List<SourceResult> run(List<CandidateSource> sources, int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0: " + k);
    }
    Random random = new Random(seed);
    List<String> eligible = new ArrayList<>();
    for (Map.Entry<String, Set<String>> entry : tracksByAccount.entrySet()) {
      if (entry.getValue().size() >= minTracksPerAccount) {
        eligible.add(entry.getKey());
      }
    }
    Collections.shuffle(eligible, random);
    List<String> sample = eligible.subList(0, Math.min(sampleSize, eligible.size()));

    Map<String, Set<String>> heldOut = new LinkedHashMap<>();
    for (String account : sample) {
      // Sorting first makes the shuffle depend only on the seed, not on the set's hash order.
      List<String> tracks = new ArrayList<>(new TreeSet<>(tracksByAccount.get(account)));
      Collections.shuffle(tracks, random);
      int count = (int) Math.round(holdoutShare * tracks.size());
      count = Math.max(1, Math.min(tracks.size() - 1, count));
      heldOut.put(account, new HashSet<>(tracks.subList(0, count)));
    }

    InMemoryInteractionStore store =
        new InMemoryInteractionStore(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    Set<String> allTracks = new TreeSet<>();
    for (Map.Entry<String, Set<String>> entry : tracksByAccount.entrySet()) {
      Set<String> hidden = heldOut.getOrDefault(entry.getKey(), Set.of());
      for (String track : entry.getValue()) {
        allTracks.add(track);
        if (!hidden.contains(track)) {
          store.record(entry.getKey(), track, FeedbackEvent.PLAY);
        }
      }
    }
    List<TrackProfile> catalog = new ArrayList<>();
    for (String track : allTracks) {
      catalog.add(new TrackProfile(track, track, "", "", Map.of()));
    }

    List<SourceResult> results = new ArrayList<>();
    for (CandidateSource source : sources) {
      int hits = 0;
      for (String account : sample) {
        RecommendationContext context =
            new RecommendationContext(
                account, catalog, store, new Random(seed ^ account.hashCode()));
        Set<String> trainingTracks = store.playedTracks(account);
        int proposed = 0;
        for (Candidate candidate : source.propose(context, k + trainingTracks.size())) {
          if (trainingTracks.contains(candidate.trackId())) {
            continue;
          }
          if (heldOut.get(account).contains(candidate.trackId())) {
            hits++;
            break;
          }
          if (++proposed >= k) {
            break;
          }
        }
      }
      results.add(new SourceResult(source.kind(), sample.size(), hits));
    }
    return results;
  }
}
