package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Response of {@code GET /v1/recommendations}. Immutable. */
public final class Recommendations {
  private final List<Recommendation> items;
  private final List<String> relaxed;

  /** Creates a list. Missing arrays read as empty. */
  @JsonCreator
  public Recommendations(
      @JsonProperty("items") List<Recommendation> items,
      @JsonProperty("relaxed") List<String> relaxed) {
    this.items = Models.copyOf(items, "items");
    this.relaxed = Models.copyOf(relaxed, "relaxed");
  }

  /** Recommended tracks, best first, as an unmodifiable list. */
  public List<Recommendation> items() {
    return items;
  }

  /**
   * Diversity rules that the server dropped to fill the list, such as {@code GENRE_SHARE}, in the
   * order it dropped them. Empty when every rule held.
   */
  public List<String> relaxed() {
    return relaxed;
  }

  @Override
  public String toString() {
    return "Recommendations{" + items.size() + " items, relaxed " + relaxed + "}";
  }
}
