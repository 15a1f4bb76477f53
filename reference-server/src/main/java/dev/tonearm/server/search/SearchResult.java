package dev.tonearm.server.search;

import java.util.List;

/**
 * One page of ranked results. Immutable.
 *
 * @param hits results from the query's offset, at most its limit
 * @param total number of matching documents of the requested types, over all pages
 */
public record SearchResult(List<SearchHit> hits, int total) {
  public SearchResult {
    hits = List.copyOf(hits);
  }
}
