package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ranking quality on the 10,000 songs of the Million Song Dataset subset, indexed through {@link
 * CatalogIndexer} so that artist and album documents compete with the tracks.
 */
class SearchQualityTest {
  /**
   * Real songs of the file as {song number, query with one typo, query with two typos}. A query
   * term of 4 to 7 letters may carry one typo and a longer one two, so two typos are spread over
   * two terms unless a term has 8 letters or more.
   */
  private static final String[][] TYPO_QUERIES = {
    {"2973", "Intensty In Ten Cities", "Intnesity In Ten Citeis"},
    {"7678", "It Hurst Me Too", "Hurst Me Too Jeremy Spenser"},
    {"988", "All Your Love John Mayal", "All Yuor Love John Mayal"},
    {"1854", "Sanchze Family", "Sanchze Famliy"},
    {"7136", "Perfcet Moment", "Perfcet Momnet"},
    {"4247", "Rice Dreem Girl", "Rice Dreem Girl Casiotnoe"},
    {"747", "Life Is Wlid", "Lief Is Wlid"},
    {"1720", "Miina ja Mikko markinoilla", "Mina ja Mikko markinoilla"},
    {"8437", "Red is the Rose Heany", "Red is the Rsoe Heany"},
    {"1414", "Roten Apples", "Roten Aples"},
    {"4732", "Roman Empier", "Romna Empier"},
    {"2442", "Somthing Girls", "Somthing Girsl"},
    {"4412", "Lotsu Kiss", "Lotsu Kiss Alex Thoery"},
    {"1255", "Vera Begs Dilan", "Vera Begs Dilan Badalamenit"},
    {"7706", "Standing In The Darknes", "Standign In The Darknes"},
    {"942", "Silense tells you all", "Silense tels you all"},
    {"2608", "The Frial Nine Inch Nails", "The Frial Nine Inch Nials"},
    {"5709", "I Know I Can Holister", "I Know I Can Dvae Holister"},
    {"8133", "Brwon Eyed Girl Sonics", "Brwon Eyed Girl Sonisc"},
    {"2847", "Blood Will Fall Demonbred", "Blod Will Fall Demonbred"},
    {"6350", "Smal World Merman", "Smal Wrold Merman"},
    {"9984", "El troyan Gutierrez", "El troyan Gutierez"},
    {"1206", "Si Tu Regresa Perez", "Si Tu Regreas Peres"},
    {"2442", "Something Grils Adam Ant", "Somethign Grils Adam Ant"},
  };

  private static List<MsdCatalog.Song> songs;
  private static Map<String, MsdCatalog.Song> songsByNumber;
  private static InMemorySearchIndex index;

  @BeforeAll
  static void buildIndex() throws IOException {
    songs = MsdCatalog.load();
    songsByNumber = new HashMap<>();
    InMemoryCatalog catalog = new InMemoryCatalog();
    for (MsdCatalog.Song song : songs) {
      songsByNumber.put(song.songNumber(), song);
      catalog.saveTrack(
          InMemoryCatalog.track(song.songNumber(), song.title(), song.artist(), song.album()));
    }
    index = new InMemorySearchIndex();
    new CatalogIndexer(catalog, index);
  }

  private static List<String> topTrackIds(String query, int limit) {
    SearchResult result =
        index.search(new SearchQuery(query, EnumSet.of(SearchType.TRACK), 0, limit));
    return result.hits().stream().map(hit -> hit.document().id()).toList();
  }

  @Test
  void csv_everyRow_splitsIntoAllColumns() {
    assertThat(songs).hasSize(10_000);
    for (MsdCatalog.Song song : songs) {
      assertThat(song.fieldCount()).as("song %s", song.songNumber()).isEqualTo(MsdCatalog.COLUMNS);
    }
  }

  @Test
  void csv_quotesInsideTitles_areKept() {
    assertThat(songsByNumber.get("44").title())
        .isEqualTo("Lala Song (Matesi DJ \"Silverstatix\"remix");
    assertThat(songsByNumber.get("44").artist()).isEqualTo("Bob Sinclar");
  }

  @Test
  void index_allSongs_includeArtistsAndAlbums() {
    long artists = songs.stream().map(song -> CatalogIndexer.artistId(song.artist())).distinct()
        .count();

    assertThat(index.size()).isGreaterThan(10_000 + (int) artists);
    assertThat(index.search(new SearchQuery("nine inch nails", EnumSet.of(SearchType.ARTIST), 0, 1))
        .hits())
        .extracting(hit -> hit.document().title())
        .containsExactly("Nine Inch Nails");
  }

  @Test
  void search_exactTitle_ranksFirst() {
    List<String> failures = new ArrayList<>();
    for (MsdCatalog.Song song : songs) {
      String normalized = TextNormalizer.normalize(song.title());
      if (normalized.isEmpty()) {
        continue;
      }
      List<SearchHit> hits =
          index.search(new SearchQuery(song.title(), EnumSet.of(SearchType.TRACK), 0, 1)).hits();
      String topTitle = hits.isEmpty() ? "" : TextNormalizer.normalize(hits.get(0).document().title());
      if (!topTitle.equals(normalized)) {
        failures.add(song.songNumber() + " '" + song.title() + "' -> '" + topTitle + "'");
      }
    }

    assertThat(failures).isEmpty();
  }

  @Test
  void search_oneTypo_findsSongInTopThree() {
    for (String[] row : TYPO_QUERIES) {
      MsdCatalog.Song song = songsByNumber.get(row[0]);

      assertThat(topTrackIds(row[1], 3))
          .as("'%s' for '%s' by %s", row[1], song.title(), song.artist())
          .contains(row[0]);
    }
  }

  @Test
  void search_twoTypos_findsSongInTopThree() {
    for (String[] row : TYPO_QUERIES) {
      MsdCatalog.Song song = songsByNumber.get(row[0]);

      assertThat(topTrackIds(row[2], 3))
          .as("'%s' for '%s' by %s", row[2], song.title(), song.artist())
          .contains(row[0]);
    }
  }

  @Test
  void typoQueries_differFromSongByStatedEdits() {
    for (String[] row : TYPO_QUERIES) {
      MsdCatalog.Song song = songsByNumber.get(row[0]);
      List<String> songTokens = TextNormalizer.tokenize(song.title() + " " + song.artist());

      assertThat(edits(row[1], songTokens)).as("'%s'", row[1]).isEqualTo(1);
      assertThat(edits(row[2], songTokens)).as("'%s'", row[2]).isEqualTo(2);
    }
  }

  /** Sums, over the query tokens, the distance to the nearest token of the song. */
  private static int edits(String query, List<String> songTokens) {
    int total = 0;
    for (String token : TextNormalizer.tokenize(query)) {
      int nearest = Integer.MAX_VALUE;
      for (String songToken : songTokens) {
        nearest = Math.min(nearest, TypoMatcher.distance(token, songToken, 10));
      }
      total += nearest;
    }
    return total;
  }

  @Test
  void suggest_prefixOfRareTitleWord_completesIt() {
    assertThat(index.suggest("Badalam", 5)).extracting(Suggestion::term).contains("badalamenti");
    assertThat(index.suggest("nine inch na", 5))
        .extracting(Suggestion::text)
        .contains("nine inch nails");
  }
}
