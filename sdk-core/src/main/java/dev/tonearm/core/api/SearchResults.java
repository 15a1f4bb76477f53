package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One page of {@code GET /v1/search}. Immutable. */
public final class SearchResults {
  private final String query;
  private final int total;
  private final int offset;
  private final int limit;
  private final List<SearchResultItem> results;

  /** Creates a page. A missing result list reads as empty. */
  @JsonCreator
  public SearchResults(
      @JsonProperty("query") String query,
      @JsonProperty("total") int total,
      @JsonProperty("offset") int offset,
      @JsonProperty("limit") int limit,
      @JsonProperty("results") List<SearchResultItem> results) {
    this.query = query;
    this.total = total;
    this.offset = offset;
    this.limit = limit;
    this.results = Models.copyOf(results, "results");
  }

  /** Returns the query as the server received it. */
  public String query() {
    return query;
  }

  /** Number of matches of the requested types over all pages. */
  public int total() {
    return total;
  }

  public int offset() {
    return offset;
  }

  public int limit() {
    return limit;
  }

  /** Results of this page, best first, as an unmodifiable list. */
  public List<SearchResultItem> results() {
    return results;
  }

  @Override
  public String toString() {
    return "SearchResults{" + query + ", " + results.size() + " of " + total + "}";
  }
}
