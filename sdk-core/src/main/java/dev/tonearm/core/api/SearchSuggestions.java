package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Response of {@code GET /v1/search/suggest}. Immutable. */
public final class SearchSuggestions {
  private final String query;
  private final List<SearchSuggestion> suggestions;

  /** Creates a response. A missing suggestion list reads as empty. */
  @JsonCreator
  public SearchSuggestions(
      @JsonProperty("query") String query,
      @JsonProperty("suggestions") List<SearchSuggestion> suggestions) {
    this.query = query;
    this.suggestions = Models.copyOf(suggestions, "suggestions");
  }

  /** Query as the server received it. */
  public String query() {
    return query;
  }

  /**
   * Completions, best first, as an unmodifiable list. Empty when the query ends with a space or
   * punctuation.
   */
  public List<SearchSuggestion> suggestions() {
    return suggestions;
  }

  @Override
  public String toString() {
    return "SearchSuggestions{" + query + ", " + suggestions.size() + "}";
  }
}
