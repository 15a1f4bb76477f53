package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CachingSearchIndexTest {
  private final InMemorySearchIndex delegate = new InMemorySearchIndex();
  private final CachingSearchIndex cache = new CachingSearchIndex(delegate, 2);

  private void track(SearchIndex target, String id, String title) {
    target.upsert(new SearchDocument(SearchType.TRACK, id, title, "Artist", "Album", 1));
  }

  @Test
  void search_sameNormalisedQuery_hitsCache() {
    track(cache, "t-1", "Café Noir");

    SearchResult first = cache.search(SearchQuery.allTypes("Café noir", 0, 10));
    SearchResult second = cache.search(SearchQuery.allTypes("  CAFE, NOIR!", 0, 10));

    assertThat(second).isSameAs(first);
    assertThat(cache.hitCount()).isEqualTo(1);
    assertThat(cache.missCount()).isEqualTo(1);
  }

  @Test
  void search_differentFiltersOrPage_missCache() {
    track(cache, "t-1", "Song");

    cache.search(SearchQuery.allTypes("song", 0, 10));
    cache.search(new SearchQuery("song", EnumSet.of(SearchType.TRACK), 0, 10));
    cache.search(SearchQuery.allTypes("song", 1, 10));

    assertThat(cache.hitCount()).isZero();
    assertThat(cache.missCount()).isEqualTo(3);
  }

  @Test
  void search_overCapacity_evictsLeastRecentlyUsed() {
    track(cache, "t-1", "Alpha Beta Gamma");
    cache.search(SearchQuery.allTypes("alpha", 0, 10));
    cache.search(SearchQuery.allTypes("beta", 0, 10));
    cache.search(SearchQuery.allTypes("alpha", 0, 10));

    cache.search(SearchQuery.allTypes("gamma", 0, 10));
    long missesBefore = cache.missCount();
    cache.search(SearchQuery.allTypes("alpha", 0, 10));
    cache.search(SearchQuery.allTypes("beta", 0, 10));

    assertThat(cache.entryCount()).isEqualTo(2);
    assertThat(cache.missCount() - missesBefore).isEqualTo(1);
  }

  @Test
  void upsert_throughCache_invalidatesEntries() {
    track(cache, "t-1", "Song One");
    assertThat(cache.search(SearchQuery.allTypes("song", 0, 10)).total()).isEqualTo(1);

    track(cache, "t-2", "Song Two");

    assertThat(cache.search(SearchQuery.allTypes("song", 0, 10)).total()).isEqualTo(2);
    assertThat(cache.hitCount()).isZero();
  }

  @Test
  void upsert_onDelegateDirectly_invalidatesEntries() {
    track(delegate, "t-1", "Song One");
    assertThat(cache.search(SearchQuery.allTypes("song", 0, 10)).total()).isEqualTo(1);

    track(delegate, "t-2", "Song Two");

    assertThat(cache.search(SearchQuery.allTypes("song", 0, 10)).total()).isEqualTo(2);
  }

  @Test
  void suggest_repeated_hitsCacheUntilIndexChanges() {
    track(cache, "t-1", "Awakening");

    assertThat(cache.suggest("awa", 5)).extracting(Suggestion::term).containsExactly("awakening");
    assertThat(cache.suggest("AWA", 5)).extracting(Suggestion::term).containsExactly("awakening");
    assertThat(cache.hitCount()).isEqualTo(1);

    track(cache, "t-2", "Awaiting");

    assertThat(cache.suggest("awa", 5)).extracting(Suggestion::term)
        .containsExactlyInAnyOrder("awakening", "awaiting");
  }

  @Test
  void suggest_trailingSpace_isSeparateEntry() {
    track(cache, "t-1", "Awakening");

    assertThat(cache.suggest("awa", 5)).hasSize(1);
    assertThat(cache.suggest("awa ", 5)).isEmpty();
  }
}
