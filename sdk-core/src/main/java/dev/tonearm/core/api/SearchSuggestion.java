package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One completion of {@code GET /v1/search/suggest}. Immutable. */
public final class SearchSuggestion {
  private final String text;
  private final String term;

  /** Creates a suggestion. Both fields are required. */
  @JsonCreator
  public SearchSuggestion(
      @JsonProperty("text") String text, @JsonProperty("term") String term) {
    this.text = Models.requireText(text, "text");
    this.term = Models.requireText(term, "term");
  }

  /** Normalised query with the completed last word, ready to pass to {@code search}. */
  public String text() {
    return text;
  }

  /** Completed word alone. */
  public String term() {
    return term;
  }

  @Override
  public String toString() {
    return "SearchSuggestion{" + text + "}";
  }
}
