package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the final list from ranked candidates under the {@link DiversityRule}s.
 *
 * <p>The list length is the target {@code min(limit, candidates)}, and the shares of the rules are
 * taken of that target. A greedy pass walks the candidates best first and takes each one that
 * breaks no active rule. It passes over an already-played track while the remaining slots are
 * needed for the discovery quota. When the pass cannot reach the target, the next rule in {@link
 * DiversityRule} order is relaxed (dropped) and the pass repeats, so the result names every rule
 * given up. A greedy pass can miss a selection that meets all rules where one exists, and then
 * relaxes a rule that an exhaustive search would have kept.
 *
 * <p>Stateless and thread-safe.
 */
public final class Diversifier {
  /** Maximum tracks by one artist. */
  public static final int MAX_TRACKS_PER_ARTIST = 2;

  /** Maximum share of one genre. */
  public static final double MAX_GENRE_SHARE = 0.4;

  /** Minimum share of tracks the caller has never played. */
  public static final double MIN_DISCOVERY_SHARE = 0.2;

  /** Maximum share of one third of the tempo range, and of one third of the energy range. */
  public static final double MAX_FEATURE_BAND_SHARE = 0.5;

  /** Features whose spread {@link DiversityRule#FEATURE_SPREAD} checks. */
  static final List<String> SPREAD_FEATURES = List.of(TrackProfile.TEMPO_BPM, TrackProfile.ENERGY);

  /**
   * The chosen list and the rules given up to fill it. Immutable.
   *
   * @param relaxed rules dropped, in the order they were dropped, or empty when all held
   */
  public record Result(List<ScoredCandidate> items, List<DiversityRule> relaxed) {
    public Result {
      items = List.copyOf(items);
      relaxed = List.copyOf(relaxed);
    }
  }

  /**
   * Chooses up to {@code limit} of {@code ranked}, best first.
   *
   * @param ranked candidates, best first, each track once
   * @param played tracks the caller has played or saved
   */
  public Result select(List<ScoredCandidate> ranked, Set<String> played, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0: " + limit);
    }
    int target = Math.min(limit, ranked.size());
    Map<String, double[]> bandBounds = new HashMap<>();
    for (String feature : SPREAD_FEATURES) {
      double[] bounds = bandBounds(ranked, feature);
      if (bounds != null) {
        bandBounds.put(feature, bounds);
      }
    }
    EnumSet<DiversityRule> active = EnumSet.allOf(DiversityRule.class);
    if (bandBounds.isEmpty()) {
      // Not relaxed, because it never applied.
      active.remove(DiversityRule.FEATURE_SPREAD);
    }
    List<DiversityRule> relaxed = new ArrayList<>();
    while (true) {
      List<ScoredCandidate> chosen = greedyPass(ranked, played, target, active, bandBounds);
      if (chosen.size() >= target || active.isEmpty()) {
        return new Result(chosen, relaxed);
      }
      DiversityRule next = active.iterator().next();
      active.remove(next);
      relaxed.add(next);
    }
  }

  private static List<ScoredCandidate> greedyPass(
      List<ScoredCandidate> ranked,
      Set<String> played,
      int target,
      Set<DiversityRule> active,
      Map<String, double[]> bandBounds) {
    int genreCap = Math.max(1, (int) Math.floor(MAX_GENRE_SHARE * target));
    int bandCap = Math.max(1, (int) Math.floor(MAX_FEATURE_BAND_SHARE * target));
    int discoveryMin = (int) Math.ceil(MIN_DISCOVERY_SHARE * target);
    Map<String, Integer> perArtist = new HashMap<>();
    Map<String, Integer> perGenre = new HashMap<>();
    Map<String, int[]> perBand = new HashMap<>();
    bandBounds.keySet().forEach(feature -> perBand.put(feature, new int[3]));
    int discoveries = 0;
    List<ScoredCandidate> chosen = new ArrayList<>();
    for (ScoredCandidate candidate : ranked) {
      if (chosen.size() >= target) {
        break;
      }
      TrackProfile profile = candidate.profile();
      String artist = profile.artistKey();
      String genre = profile.genreKey();
      boolean discovery = !played.contains(candidate.trackId());
      if (active.contains(DiversityRule.ARTIST_LIMIT)
          && !artist.isEmpty()
          && perArtist.getOrDefault(artist, 0) >= MAX_TRACKS_PER_ARTIST) {
        continue;
      }
      if (active.contains(DiversityRule.GENRE_SHARE)
          && !genre.isEmpty()
          && perGenre.getOrDefault(genre, 0) >= genreCap) {
        continue;
      }
      if (active.contains(DiversityRule.FEATURE_SPREAD)
          && fullBand(profile, bandBounds, perBand, bandCap)) {
        continue;
      }
      if (active.contains(DiversityRule.DISCOVERY_SHARE) && !discovery) {
        int slotsLeftAfter = target - chosen.size() - 1;
        if (slotsLeftAfter < discoveryMin - discoveries) {
          continue;
        }
      }
      chosen.add(candidate);
      if (!artist.isEmpty()) {
        perArtist.merge(artist, 1, Integer::sum);
      }
      if (!genre.isEmpty()) {
        perGenre.merge(genre, 1, Integer::sum);
      }
      for (Map.Entry<String, double[]> entry : bandBounds.entrySet()) {
        int band = band(profile.feature(entry.getKey()), entry.getValue());
        if (band >= 0) {
          perBand.get(entry.getKey())[band]++;
        }
      }
      if (discovery) {
        discoveries++;
      }
    }
    return chosen;
  }

  private static boolean fullBand(
      TrackProfile profile,
      Map<String, double[]> bandBounds,
      Map<String, int[]> perBand,
      int bandCap) {
    for (Map.Entry<String, double[]> entry : bandBounds.entrySet()) {
      int band = band(profile.feature(entry.getKey()), entry.getValue());
      if (band >= 0 && perBand.get(entry.getKey())[band] >= bandCap) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns 0, 1 or 2 for the third of the range that contains {@code value}, or -1 when the value
   * is unknown.
   */
  static int band(double value, double[] bounds) {
    if (Double.isNaN(value)) {
      return -1;
    }
    if (value < bounds[0]) {
      return 0;
    }
    return value < bounds[1] ? 1 : 2;
  }

  /**
   * Returns the lower bounds of the middle and top thirds of the range of {@code feature} over the
   * candidates (equal widths between the minimum and the maximum), or null when fewer than three
   * distinct values exist.
   */
  static double[] bandBounds(List<ScoredCandidate> candidates, String feature) {
    TreeSet<Double> distinct = new TreeSet<>();
    for (ScoredCandidate candidate : candidates) {
      double value = candidate.profile().feature(feature);
      if (!Double.isNaN(value)) {
        distinct.add(value);
      }
    }
    if (distinct.size() < 3) {
      return null;
    }
    double min = distinct.first();
    double width = (distinct.last() - min) / 3;
    return new double[] {min + width, min + 2 * width};
  }
}
