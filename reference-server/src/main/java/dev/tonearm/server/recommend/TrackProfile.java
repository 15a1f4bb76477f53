package dev.tonearm.server.recommend;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The recommender's data about a track: display fields, the grouping keys of the
 * diversification rules and numeric audio features. Immutable.
 *
 * @param trackId catalog track id
 * @param title title shown in explanations
 * @param artist artist, or empty when unknown; empty artists are exempt from the artist limit
 * @param genre genre, or empty when unknown; empty genres are exempt from the genre share
 * @param features audio features by name, such as {@link #TEMPO_BPM} or {@link #LOUDNESS_LUFS}; a
 *     missing name means the feature is unknown for this track. Values must be finite.
 */
public record TrackProfile(
    String trackId, String title, String artist, String genre, Map<String, Double> features) {
  /** Tempo in beats per minute. */
  public static final String TEMPO_BPM = "tempoBpm";

  /** Energy on a 0 to 1 scale. */
  public static final String ENERGY = "energy";

  /** Integrated loudness in LUFS. */
  public static final String LOUDNESS_LUFS = "loudnessLufs";

  /** Duration in milliseconds. */
  public static final String DURATION_MS = "durationMs";

  public TrackProfile {
    Objects.requireNonNull(trackId, "trackId");
    title = title == null ? "" : title;
    artist = artist == null ? "" : artist;
    genre = genre == null ? "" : genre;
    features = Map.copyOf(features);
    for (Map.Entry<String, Double> feature : features.entrySet()) {
      if (!Double.isFinite(feature.getValue())) {
        throw new IllegalArgumentException(
            "feature "
                + feature.getKey()
                + " of "
                + trackId
                + " must be finite: "
                + feature.getValue());
      }
    }
  }

  /** Returns feature {@code name}, or NaN when it is unknown. */
  public double feature(String name) {
    Double value = features.get(name);
    return value == null ? Double.NaN : value;
  }

  /** Returns the artist as a grouping key: trimmed and lower-cased, empty when unknown. */
  String artistKey() {
    return artist.trim().toLowerCase(Locale.ROOT);
  }

  /** Returns the genre as a grouping key: trimmed and lower-cased, empty when unknown. */
  String genreKey() {
    return genre.trim().toLowerCase(Locale.ROOT);
  }
}
