package dev.tonearm.server.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Normalisation and tokenisation of indexed text and queries, so that both sides compare equal
 * for the same words regardless of case, accents and punctuation.
 *
 * <ol>
 *   <li>Fold case with {@code toUpperCase} then {@code toLowerCase} in {@link Locale#ROOT}, which
 *       maps {@code "ß"} to {@code "ss"} and applies no locale-specific rule (Turkish dotless i).
 *   <li>Decompose with Unicode NFD ({@link Normalizer.Form#NFD}) and drop every combining mark
 *       (general category M), so {@code "Beyoncé"} becomes {@code "beyonce"}.
 *   <li>Drop apostrophes (U+0027, U+2018, U+2019, U+02BC) so {@code "Don't"} is one token {@code
 *       "dont"}.
 *   <li>Split on every code point that is not a letter or a digit.
 * </ol>
 *
 * <p>Letters without a decomposition (such as {@code "ø"} or {@code "æ"}) stay as they are.
 * Stateless and thread-safe.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  /** Returns the tokens of {@code text} in order, normalised as described in the class doc. */
  public static List<String> tokenize(String text) {
    String folded = fold(text);
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 0; i < folded.length(); ) {
      int codePoint = folded.codePointAt(i);
      i += Character.charCount(codePoint);
      if (isApostrophe(codePoint)) {
        continue;
      }
      if (Character.isLetterOrDigit(codePoint)) {
        token.appendCodePoint(codePoint);
      } else if (token.length() > 0) {
        tokens.add(token.toString());
        token.setLength(0);
      }
    }
    if (token.length() > 0) {
      tokens.add(token.toString());
    }
    return tokens;
  }

  /** Returns the tokens of {@code text} joined by single spaces. */
  public static String normalize(String text) {
    return String.join(" ", tokenize(text));
  }

  /**
   * Returns whether the last character of {@code text} that is not an apostrophe is a letter or
   * digit, so that its last token may be unfinished.
   */
  public static boolean endsInsideTerm(String text) {
    String folded = fold(text);
    for (int i = folded.length(); i > 0; ) {
      int codePoint = folded.codePointBefore(i);
      i -= Character.charCount(codePoint);
      if (!isApostrophe(codePoint)) {
        return Character.isLetterOrDigit(codePoint);
      }
    }
    return false;
  }

  /** Folds case, decomposes and strips combining marks; punctuation is kept. */
  static String fold(String text) {
    String caseFolded = text.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    String decomposed = Normalizer.normalize(caseFolded, Normalizer.Form.NFD);
    StringBuilder stripped = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); ) {
      int codePoint = decomposed.codePointAt(i);
      i += Character.charCount(codePoint);
      int type = Character.getType(codePoint);
      boolean combiningMark =
          type == Character.NON_SPACING_MARK
              || type == Character.COMBINING_SPACING_MARK
              || type == Character.ENCLOSING_MARK;
      if (!combiningMark) {
        stripped.appendCodePoint(codePoint);
      }
    }
    return stripped.toString();
  }

  private static boolean isApostrophe(int codePoint) {
    return codePoint == '\'' || codePoint == 0x2018 || codePoint == 0x2019 || codePoint == 0x02BC;
  }
}
