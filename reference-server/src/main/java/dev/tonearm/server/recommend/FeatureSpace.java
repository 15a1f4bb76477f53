package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Audio features standardised over one catalog, for content similarity. Each feature becomes a
 * z-score with the mean and population standard deviation of the tracks that have it; a feature
 * that is constant or known for fewer than two tracks is dropped. The distance of two tracks is the
 * root mean square of their z-score differences over the features both have, so a track with fewer
 * known features is not closer by default. Immutable.
 */
public final class FeatureSpace {
  private final List<String> names;
  private final Map<String, double[]> vectors = new HashMap<>();

  /** One feature's contribution to a distance. */
  record FeatureGap(String name, double zDifference) {}

  /** Standardises the features of {@code profiles}. */
  public FeatureSpace(Collection<TrackProfile> profiles) {
    TreeSet<String> allNames = new TreeSet<>();
    profiles.forEach(profile -> allNames.addAll(profile.features().keySet()));
    List<String> kept = new ArrayList<>();
    List<double[]> meanAndDeviation = new ArrayList<>();
    for (String name : allNames) {
      double sum = 0;
      double sumOfSquares = 0;
      int count = 0;
      for (TrackProfile profile : profiles) {
        double value = profile.feature(name);
        if (!Double.isNaN(value)) {
          sum += value;
          sumOfSquares += value * value;
          count++;
        }
      }
      if (count < 2) {
        continue;
      }
      double mean = sum / count;
      double deviation = Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean));
      if (deviation > 1e-12 * Math.max(1, Math.abs(mean))) {
        kept.add(name);
        meanAndDeviation.add(new double[] {mean, deviation});
      }
    }
    this.names = List.copyOf(kept);
    for (TrackProfile profile : profiles) {
      double[] vector = new double[names.size()];
      for (int i = 0; i < names.size(); i++) {
        double value = profile.feature(names.get(i));
        double[] stats = meanAndDeviation.get(i);
        vector[i] = Double.isNaN(value) ? Double.NaN : (value - stats[0]) / stats[1];
      }
      vectors.putIfAbsent(profile.trackId(), vector);
    }
  }

  /** Returns the names of the features in use, sorted. */
  public List<String> featureNames() {
    return names;
  }

  /** Returns the distance of two tracks, or NaN when either is unknown or they share no feature. */
  public double distance(String trackIdA, String trackIdB) {
    double[] a = vectors.get(trackIdA);
    double[] b = vectors.get(trackIdB);
    if (a == null || b == null) {
      return Double.NaN;
    }
    double sumOfSquares = 0;
    int shared = 0;
    for (int i = 0; i < a.length; i++) {
      double difference = a[i] - b[i];
      if (!Double.isNaN(difference)) {
        sumOfSquares += difference * difference;
        shared++;
      }
    }
    return shared == 0 ? Double.NaN : Math.sqrt(sumOfSquares / shared);
  }

  /** Returns the similarity {@code 1 / (1 + distance)} in (0, 1], or 0 when unknown. */
  public double similarity(String trackIdA, String trackIdB) {
    double distance = distance(trackIdA, trackIdB);
    return Double.isNaN(distance) ? 0 : 1 / (1 + distance);
  }

  /** Returns the shared features of two tracks, closest first, ties by name. */
  List<FeatureGap> closestFeatures(String trackIdA, String trackIdB) {
    double[] a = vectors.get(trackIdA);
    double[] b = vectors.get(trackIdB);
    List<FeatureGap> gaps = new ArrayList<>();
    if (a == null || b == null) {
      return gaps;
    }
    for (int i = 0; i < a.length; i++) {
      double difference = Math.abs(a[i] - b[i]);
      if (!Double.isNaN(difference)) {
        gaps.add(new FeatureGap(names.get(i), difference));
      }
    }
    gaps.sort((x, y) -> Double.compare(x.zDifference(), y.zDifference()));
    return gaps;
  }

  /**
   * Returns the {@code k} tracks closest to {@code trackId} among those it shares a feature with,
   * closest first, ties by track id, without {@code trackId} itself.
   */
  public List<String> nearest(String trackId, int k) {
    Map<String, Double> similarities = new HashMap<>();
    for (String other : vectors.keySet()) {
      if (!other.equals(trackId)) {
        double similarity = similarity(trackId, other);
        if (similarity > 0) {
          similarities.put(other, similarity);
        }
      }
    }
    return Ranking.top(similarities, k).stream().map(Map.Entry::getKey).toList();
  }
}
