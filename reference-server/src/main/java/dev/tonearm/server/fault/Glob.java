package dev.tonearm.server.fault;

/**
 * A shell-style pattern: {@code *} matches any run of characters (also {@code /}), {@code ?}
 * matches one character, and every other character matches itself. Immutable.
 */
final class Glob {
  /** Longest pattern accepted, which bounds the matching work. */
  static final int MAX_PATTERN_LENGTH = 256;

  private final String pattern;

  private Glob(String pattern) {
    this.pattern = pattern;
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException when it is empty or longer than {@link #MAX_PATTERN_LENGTH}
   */
  static Glob of(String pattern) {
    if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
      throw new IllegalArgumentException(
          "pattern must have 1 to " + MAX_PATTERN_LENGTH + " characters: " + pattern.length());
    }
    return new Glob(pattern);
  }

  /** Returns whether the whole of {@code text} matches. Linear in the text for each star. */
  boolean matches(String text) {
    int p = 0;
    int t = 0;
    int starAt = -1;
    int starText = 0;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starAt = p++;
        starText = t;
      } else if (starAt >= 0) {
        p = starAt + 1;
        t = ++starText;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
