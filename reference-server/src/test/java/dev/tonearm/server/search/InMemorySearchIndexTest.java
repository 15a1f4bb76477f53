package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySearchIndexTest {
  private final InMemorySearchIndex index = new InMemorySearchIndex();

  private void track(String id, String title, String artist, String album) {
    index.upsert(new SearchDocument(SearchType.TRACK, id, title, artist, album, 1));
  }

  private List<String> ids(String query) {
    return ids(SearchQuery.allTypes(query, 0, 50));
  }

  private List<String> ids(SearchQuery query) {
    return index.search(query).hits().stream().map(hit -> hit.document().id()).toList();
  }

  @Test
  void search_termInThreeFields_ranksTitleFirst() {
    track("in-album", "Quiet Song", "Some Band", "Harbour Lights");
    track("in-artist", "Loud Song", "Harbour", "Other Record");
    track("in-title", "Harbour", "Third Band", "Third Record");

    assertThat(ids("harbour")).containsExactly("in-title", "in-artist", "in-album");
  }

  @Test
  void search_exactTitle_ranksAboveLongerTitle() {
    track("longer", "Blue Moon Rising Again", "A", "B");
    track("exact", "Blue Moon", "C", "D");

    assertThat(ids("blue moon")).containsExactly("exact", "longer");
  }

  @Test
  void search_phraseInOrder_ranksAboveScatteredTerms() {
    track("scattered", "Moon over the Blue Sea", "A", "B");
    track("phrase", "Under a Blue Moon Tonight", "C", "D");

    assertThat(ids("blue moon")).containsExactly("phrase", "scattered");
  }

  @Test
  void search_titlePrefix_ranksAboveTermElsewhere() {
    track("later", "Running Up That Hill", "A", "B");
    track("prefix", "Hill Street Blues", "C", "D");

    assertThat(ids("hill st")).first().isEqualTo("prefix");
  }

  @Test
  void search_allTermsMatched_ranksAbovePartialMatch() {
    track("partial", "Yellow Submarine", "A", "B");
    track("full", "Yellow", "Coldplay", "Parachutes");

    assertThat(ids("yellow coldplay")).containsExactly("full", "partial");
  }

  @Test
  void search_oneTypo_findsTermButBelowExact() {
    track("typo", "Miracle Worker", "A", "B");
    track("exact", "Mirakle", "C", "D");

    assertThat(ids("mirakle")).containsExactly("exact", "typo");
  }

  @Test
  void search_unfinishedLastTerm_matchesByPrefix() {
    track("awakening", "Awakening", "Maxstack", "Endgame");
    track("other", "Sleeping", "Someone", "Else");

    assertThat(ids("awak")).containsExactly("awakening");
    assertThat(ids("maxstack awa")).first().isEqualTo("awakening");
  }

  @Test
  void search_typeFilter_returnsOnlyRequestedTypes() {
    track("t-1", "Maxstack Theme", "Maxstack", "Endgame");
    index.upsert(new SearchDocument(SearchType.ARTIST, "ar-1", "Maxstack", "", "", 1));

    assertThat(ids(new SearchQuery("maxstack", EnumSet.of(SearchType.ARTIST), 0, 10)))
        .containsExactly("ar-1");
    assertThat(ids(new SearchQuery("maxstack", EnumSet.of(SearchType.TRACK), 0, 10)))
        .containsExactly("t-1");
  }

  @Test
  void search_artistDocument_ranksAboveTracksByArtist() {
    track("t-1", "Apex Aleph", "Maxstack", "Endgame");
    index.upsert(new SearchDocument(SearchType.ARTIST, "ar-1", "Maxstack", "", "", 1));

    assertThat(ids("maxstack")).containsExactly("ar-1", "t-1");
  }

  @Test
  void search_offsetAndLimit_pageThroughStableOrder() {
    for (int i = 0; i < 7; i++) {
      track("t-" + i, "Echo " + i, "Band", "Album");
    }
    List<String> all = ids("echo");

    SearchResult page = index.search(SearchQuery.allTypes("echo", 2, 3));

    assertThat(page.total()).isEqualTo(7);
    assertThat(page.hits()).extracting(hit -> hit.document().id())
        .containsExactlyElementsOf(all.subList(2, 5));
    assertThat(index.search(SearchQuery.allTypes("echo", 10, 3)).hits()).isEmpty();
  }

  @Test
  void upsert_sameId_replacesDocument() {
    track("t-1", "Old Name", "A", "B");
    track("t-1", "New Name", "A", "B");

    assertThat(ids("old")).isEmpty();
    assertThat(ids("new")).containsExactly("t-1");
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void remove_document_isNoLongerFound() {
    track("t-1", "Gone Song", "A", "B");
    long before = index.generation();

    index.remove(SearchType.TRACK, "t-1");

    assertThat(ids("gone")).isEmpty();
    assertThat(index.size()).isZero();
    assertThat(index.generation()).isGreaterThan(before);
  }

  @Test
  void upsert_manyReplacements_compactsAndKeepsResults() {
    for (int round = 0; round < 300; round++) {
      track("t-1", "Round " + round, "A", "B");
    }

    assertThat(ids("round")).containsExactly("t-1");
    assertThat(index.search(SearchQuery.allTypes("round", 0, 10)).total()).isEqualTo(1);
    assertThat(ids("299")).containsExactly("t-1");
    assertThat(ids("5")).isEmpty();
  }

  @Test
  void search_queryWithoutTokens_returnsEmpty() {
    track("t-1", "Song", "A", "B");

    SearchResult result = index.search(SearchQuery.allTypes("?!", 0, 10));

    assertThat(result.hits()).isEmpty();
    assertThat(result.total()).isZero();
  }

  @Test
  void suggest_unfinishedTerm_returnsFrequentCompletionsFirst() {
    track("t-1", "Love Me Do", "Beatles", "Please Please Me");
    track("t-2", "Love Story", "Taylor", "Fearless");
    track("t-3", "Lovely Day", "Bill", "Menagerie");
    track("t-4", "Other", "Lovers Band", "X");

    List<Suggestion> suggestions = index.suggest("lov", 3);

    assertThat(suggestions).extracting(Suggestion::term).containsExactly("love", "lovely", "lovers");
  }

  @Test
  void suggest_keepsFinishedTermsInText() {
    track("t-1", "Awakening", "Maxstack", "Endgame");

    assertThat(index.suggest("Maxstack AWA", 5))
        .containsExactly(new Suggestion("maxstack awakening", "awakening"));
  }

  @Test
  void suggest_trailingSeparator_returnsNothing() {
    track("t-1", "Awakening", "Maxstack", "Endgame");

    assertThat(index.suggest("awa ", 5)).isEmpty();
    assertThat(index.suggest("   ", 5)).isEmpty();
  }

  @Test
  void suggest_removedDocument_dropsItsTerms() {
    track("t-1", "Zephyr", "A", "B");
    assertThat(index.suggest("zep", 5)).extracting(Suggestion::term).containsExactly("zephyr");

    index.remove(SearchType.TRACK, "t-1");

    assertThat(index.suggest("zep", 5)).isEmpty();
  }

  @Test
  void suggest_limit_boundsResults() {
    for (int i = 0; i < 30; i++) {
      track("t-" + i, "Term" + i, "A", "B");
    }

    assertThat(index.suggest("term", 7)).hasSize(7);
  }
}
