package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  @Test
  void tokenize_mixedCase_foldsToLowerCase() {
    assertThat(TextNormalizer.tokenize("Apex ALEPH")).containsExactly("apex", "aleph");
  }

  @Test
  void tokenize_accents_removesCombiningMarks() {
    assertThat(TextNormalizer.tokenize("Beyoncé Sigur Rós Motörhead"))
        .containsExactly("beyonce", "sigur", "ros", "motorhead");
  }

  @Test
  void tokenize_precomposedAndDecomposed_giveSameTokens() {
    String precomposed = "Caf\u00e9";
    String decomposed = "Cafe\u0301";

    assertThat(TextNormalizer.tokenize(precomposed))
        .isEqualTo(TextNormalizer.tokenize(decomposed))
        .containsExactly("cafe");
  }

  @Test
  void tokenize_sharpS_foldsToDoubleS() {
    assertThat(TextNormalizer.tokenize("Straße")).containsExactly("strasse");
  }

  @Test
  void tokenize_dottedCapitalI_foldsToPlainI() {
    assertThat(TextNormalizer.tokenize("\u0130stanbul")).containsExactly("istanbul");
  }

  @Test
  void tokenize_punctuation_splitsTokens() {
    assertThat(TextNormalizer.tokenize("AC/DC - Back_in-Black (Live, 1980)!"))
        .containsExactly("ac", "dc", "back", "in", "black", "live", "1980");
  }

  @Test
  void tokenize_apostrophes_joinWord() {
    assertThat(TextNormalizer.tokenize("Don't Stop Believin\u2019")).containsExactly(
        "dont", "stop", "believin");
  }

  @Test
  void tokenize_nonLatinLetters_areKept() {
    assertThat(TextNormalizer.tokenize("Кино: Группа крови")).containsExactly(
        "кино", "группа", "крови");
  }

  @Test
  void tokenize_replacementCharacter_separatesTokens() {
    assertThat(TextNormalizer.tokenize("Caf\uFFFD Noir")).containsExactly("caf", "noir");
  }

  @Test
  void tokenize_onlyPunctuation_returnsNoTokens() {
    assertThat(TextNormalizer.tokenize(" !?-- ''")).isEmpty();
    assertThat(TextNormalizer.tokenize("")).isEmpty();
  }

  @Test
  void normalize_joinsTokensWithSingleSpaces() {
    assertThat(TextNormalizer.normalize("  Hello,   World!  ")).isEqualTo("hello world");
  }

  @Test
  void endsInsideTerm_lastCharacter_decides() {
    assertThat(TextNormalizer.endsInsideTerm("apex al")).isTrue();
    assertThat(TextNormalizer.endsInsideTerm("don'")).isTrue();
    assertThat(TextNormalizer.endsInsideTerm("apex ")).isFalse();
    assertThat(TextNormalizer.endsInsideTerm("apex,")).isFalse();
    assertThat(TextNormalizer.endsInsideTerm("")).isFalse();
  }
}
