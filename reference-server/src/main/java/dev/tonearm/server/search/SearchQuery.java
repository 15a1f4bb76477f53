package dev.tonearm.server.search;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A search request to a {@link SearchIndex}. Immutable.
 *
 * @param text query as typed; the index normalises it with {@link TextNormalizer}
 * @param types document types to return, not empty
 * @param offset number of ranked results to skip, at least 0
 * @param limit maximum number of results to return, at least 1
 */
public record SearchQuery(String text, Set<SearchType> types, int offset, int limit) {
  public SearchQuery {
    Objects.requireNonNull(text, "text");
    if (types.isEmpty()) {
      throw new IllegalArgumentException("types must not be empty");
    }
    types = Collections.unmodifiableSet(EnumSet.copyOf(types));
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
  }

  /** Creates a query over every type. */
  public static SearchQuery allTypes(String text, int offset, int limit) {
    return new SearchQuery(text, EnumSet.allOf(SearchType.class), offset, limit);
  }
}
