package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TypoMatcherTest {
  private final List<String> terms = new ArrayList<>();
  private final TypoMatcher matcher = new TypoMatcher();

  private void add(String... words) {
    for (String word : words) {
      matcher.add(word, terms.size());
      terms.add(word);
    }
  }

  private Map<String, Integer> find(String query) {
    Map<String, Integer> found = new TreeMap<>();
    for (TypoMatcher.Match match : matcher.find(query, terms)) {
      found.put(terms.get(match.termId()), match.distance());
    }
    return found;
  }

  @Test
  void maxEdits_followsLengthRule() {
    assertThat(TypoMatcher.maxEdits(1)).isZero();
    assertThat(TypoMatcher.maxEdits(3)).isZero();
    assertThat(TypoMatcher.maxEdits(4)).isEqualTo(1);
    assertThat(TypoMatcher.maxEdits(7)).isEqualTo(1);
    assertThat(TypoMatcher.maxEdits(8)).isEqualTo(2);
    assertThat(TypoMatcher.maxEdits(20)).isEqualTo(2);
  }

  @Test
  void find_threeLetterQuery_matchesNothingFuzzy() {
    add("cat", "car", "cart");

    assertThat(find("cat")).isEmpty();
    assertThat(find("cax")).isEmpty();
  }

  @Test
  void find_fourToSevenLetters_allowsOneEdit() {
    add("love", "lover", "glove", "live", "lvoe", "loves", "lace");

    Map<String, Integer> found = find("love");

    assertThat(found).containsEntry("love", 0);
    assertThat(found).containsEntry("lover", 1);
    assertThat(found).containsEntry("glove", 1);
    assertThat(found).containsEntry("live", 1);
    assertThat(found).containsEntry("lvoe", 1);
    assertThat(found).containsEntry("loves", 1);
    assertThat(found).doesNotContainKey("lace");
  }

  @Test
  void find_sevenLetters_rejectsTwoEdits() {
    add("miracle");

    assertThat(find("mirakle")).containsEntry("miracle", 1);
    assertThat(find("mirakel")).isEmpty();
  }

  @Test
  void find_eightOrMoreLetters_allowsTwoEdits() {
    add("midnight", "christmas", "christian");

    assertThat(find("midnihgt")).containsEntry("midnight", 1);
    assertThat(find("mdinihgt")).containsEntry("midnight", 2);
    assertThat(find("chrsitmas")).containsEntry("christmas", 1);
    assertThat(find("krismas")).doesNotContainKey("christmas");
    assertThat(find("chirstmsa")).containsEntry("christmas", 2);
    assertThat(find("xhirstmsa")).doesNotContainKey("christmas");
  }

  @Test
  void find_transposition_countsAsOneEdit() {
    add("stop");

    assertThat(find("sotp")).containsEntry("stop", 1);
    assertThat(TypoMatcher.distance("sotp", "stop", 2)).isEqualTo(1);
  }

  @Test
  void find_editsBeyondPrefix_stillMatch() {
    add("extraordinary");

    assertThat(find("extraordinray")).containsEntry("extraordinary", 1);
    assertThat(find("extraordnary")).containsEntry("extraordinary", 1);
    assertThat(find("xtraordinaryy")).containsEntry("extraordinary", 2);
  }

  @Test
  void find_threeLetterTerm_matchesOneInsertion() {
    add("sun");

    assertThat(find("suns")).containsEntry("sun", 1);
  }

  @Test
  void distance_exceedingBound_returnsBoundPlusOne() {
    assertThat(TypoMatcher.distance("abcdefgh", "zyxwvuts", 2)).isEqualTo(3);
    assertThat(TypoMatcher.distance("kitten", "sitting", 3)).isEqualTo(3);
    assertThat(TypoMatcher.distance("ca", "abc", 3)).isEqualTo(3);
  }

  @Test
  void find_randomVocabulary_equalsBruteForce() {
    Random random = new Random(42);
    String alphabet = "abcde";
    for (int i = 0; i < 3000; i++) {
      add(randomWord(random, alphabet, 2 + random.nextInt(10)));
    }
    for (int q = 0; q < 300; q++) {
      String query = randomWord(random, alphabet, 2 + random.nextInt(10));
      int maxEdits = TypoMatcher.maxEdits(query.length());
      Map<String, Integer> expected = new HashMap<>();
      if (maxEdits > 0) {
        for (String term : terms) {
          int distance = TypoMatcher.distance(query, term, maxEdits);
          if (distance <= maxEdits) {
            expected.put(term, distance);
          }
        }
      }

      assertThat(new HashMap<>(find(query))).as(query).isEqualTo(expected);
    }
  }

  private static String randomWord(Random random, String alphabet, int length) {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < length; i++) {
      word.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return word.toString();
  }
}
