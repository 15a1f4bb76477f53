package dev.tonearm.server.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link SearchIndex} that keeps the most recently used search and suggest results of another
 * index in a bounded LRU map.
 *
 * <p>Keys are the normalised query (so {@code "Café!"} and {@code "cafe"} share an entry), the
 * types, the offset and the limit; suggest keys also record whether the query ends inside a term.
 * The cache is emptied whenever the delegate's {@link SearchIndex#generation()} moves, so a change
 * made through this object or directly on the delegate is never hidden by an old entry. A result
 * computed while the index changed is returned but not stored.
 *
 * <p>Thread-safe: the map is guarded by this object's monitor, and lookups run outside it.
 */
public final class CachingSearchIndex implements SearchIndex {
  /** Default maximum number of cached results. */
  public static final int DEFAULT_MAX_ENTRIES = 1024;

  private final SearchIndex delegate;
  private final int maxEntries;

  // Guarded by this.
  private final LinkedHashMap<CacheKey, Object> entries;
  private long cachedGeneration;
  private long hitCount;
  private long missCount;

  /**
   * Wraps {@code delegate}.
   *
   * @param maxEntries maximum number of cached results, at least 1
   */
  public CachingSearchIndex(SearchIndex delegate, int maxEntries) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<CacheKey, Object> eldest) {
            return size() > CachingSearchIndex.this.maxEntries;
          }
        };
    this.cachedGeneration = delegate.generation();
  }

  @Override
  public void upsert(SearchDocument document) {
    delegate.upsert(document);
  }

  @Override
  public void remove(SearchType type, String id) {
    delegate.remove(type, id);
  }

  @Override
  public SearchResult search(SearchQuery query) {
    CacheKey key =
        new CacheKey(
            false,
            TextNormalizer.normalize(query.text()),
            query.types(),
            query.offset(),
            query.limit());
    long generation = delegate.generation();
    Object cached = lookup(key, generation);
    if (cached != null) {
      return (SearchResult) cached;
    }
    SearchResult result = delegate.search(query);
    store(key, generation, result);
    return result;
  }

  @Override
  public List<Suggestion> suggest(String query, int limit) {
    // A trailing space marks a finished last term, which gets no completions.
    String normalized =
        TextNormalizer.normalize(query) + (TextNormalizer.endsInsideTerm(query) ? "" : " ");
    CacheKey key = new CacheKey(true, normalized, Set.of(), 0, limit);
    long generation = delegate.generation();
    Object cached = lookup(key, generation);
    if (cached != null) {
      @SuppressWarnings("unchecked")
      List<Suggestion> suggestions = (List<Suggestion>) cached;
      return suggestions;
    }
    List<Suggestion> suggestions = List.copyOf(delegate.suggest(query, limit));
    store(key, generation, suggestions);
    return suggestions;
  }

  @Override
  public long generation() {
    return delegate.generation();
  }

  @Override
  public int size() {
    return delegate.size();
  }

  /** Number of lookups served from the cache since construction. */
  public synchronized long hitCount() {
    return hitCount;
  }

  /** Number of lookups passed to the delegate since construction. */
  public synchronized long missCount() {
    return missCount;
  }

  /** Number of cached results. */
  public synchronized int entryCount() {
    return entries.size();
  }

  private synchronized Object lookup(CacheKey key, long generation) {
    if (generation != cachedGeneration) {
      entries.clear();
      cachedGeneration = generation;
    }
    Object cached = entries.get(key);
    if (cached != null) {
      hitCount++;
    } else {
      missCount++;
    }
    return cached;
  }

  private synchronized void store(CacheKey key, long generation, Object value) {
    if (generation == cachedGeneration && delegate.generation() == generation) {
      entries.put(key, value);
    }
  }

  private record CacheKey(
      boolean suggest, String normalizedQuery, Set<SearchType> types, int offset, int limit) {}
}
