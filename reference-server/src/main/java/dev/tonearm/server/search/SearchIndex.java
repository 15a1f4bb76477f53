package dev.tonearm.server.search;

import java.util.List;

/**
 * Full-text index of tracks, artists, albums and playlists. The reference server keeps it in
 * memory ({@link InMemorySearchIndex}); a production deployment can back this interface with a
 * search engine.
 *
 * <p>Implementations are thread-safe: writers and readers may call from any thread.
 */
public interface SearchIndex {
  /** Adds {@code document}, or replaces the document of the same type and id. */
  void upsert(SearchDocument document);

  /** Removes the document of {@code type} and {@code id}, if present. */
  void remove(SearchType type, String id);

  /** Ranks the documents that match {@code query}, best first. */
  SearchResult search(SearchQuery query);

  /**
   * Completes the last term of {@code query}, when the query ends inside a term, with up to {@code
   * limit} indexed terms, most frequent first. Returns an empty list when the query ends with a
   * separator or has no terms.
   */
  List<Suggestion> suggest(String query, int limit);

  /** Counter that changes on every change of the index, for caches of results. */
  long generation();

  /** Number of indexed documents. */
  int size();
}
