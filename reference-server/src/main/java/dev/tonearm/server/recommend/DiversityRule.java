package dev.tonearm.server.recommend;

/**
 * The constraints on a recommendation list, in the order {@link Diversifier} relaxes them when it
 * cannot fill the list otherwise. The order gives up the mildest repetition first: a narrow tempo
 * range, then a dominant genre, then the exploration quota, and only last more than two tracks by
 * one artist, which listeners notice most.
 */
public enum DiversityRule {
  /**
   * At most half of the list (at least one track) in one third of the tempo range, and likewise of
   * energy. The range runs from the lowest to the highest value among the candidates, split into
   * three equal widths. The rule applies to a feature only when at least three distinct values
   * exist, and tracks without the feature are exempt.
   */
  FEATURE_SPREAD,
  /** At most 40% of the list (at least one track) with one genre; unknown genres are exempt. */
  GENRE_SHARE,
  /** At least 20% of the list, rounded up, are tracks the caller has never played or saved. */
  DISCOVERY_SHARE,
  /** At most two tracks by one artist; unknown artists are exempt. */
  ARTIST_LIMIT
}
