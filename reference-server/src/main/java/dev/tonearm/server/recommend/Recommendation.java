package dev.tonearm.server.recommend;

import java.util.List;

/**
 * A recommendation list for one account. Immutable.
 *
 * @param items recommended tracks, best first
 * @param relaxed diversity rules given up to fill the list, in the order they were given up
 */
public record Recommendation(List<Item> items, List<DiversityRule> relaxed) {
  public Recommendation {
    items = List.copyOf(items);
    relaxed = List.copyOf(relaxed);
  }

  /**
   * One recommended track.
   *
   * @param source the generator that proposed the track
   * @param explanation why, in words for the listener
   * @param score the Thompson sampling score that ranked the track, in [0, 1]
   * @param discovery whether the account has never played or saved the track
   */
  public record Item(
      String trackId,
      String title,
      String artist,
      String genre,
      SourceKind source,
      String explanation,
      double score,
      boolean discovery) {}
}
