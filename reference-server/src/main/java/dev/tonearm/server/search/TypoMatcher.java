package dev.tonearm.server.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the indexed terms within a small Damerau-Levenshtein distance of a query term without
 * comparing the query with every term.
 *
 * <p>Distance rule: a query term of fewer than 4 characters matches only itself, one of 4 to 7
 * characters matches terms at distance 1, and one of 8 or more at distance 2. The distance is the
 * optimal string alignment variant, in which a transposition of two adjacent characters counts as
 * one edit.
 *
 * <p>Method: a deletion neighbourhood (the symmetric delete scheme of SymSpell, Wolf Garbe, 2012).
 * Two strings within distance k can be reduced to one common string by deleting at most k
 * characters from each. A substitution deletes the position on both sides, an insertion deletes on
 * one side, and a transposition deletes the same character on both sides. So every term is stored
 * under each string that its deletions produce, and a query looks up the deletions of itself; the
 * candidates that share a key are then checked with the exact distance. A trie walk was the other
 * option, but its cost grows with the branches explored per level, while here a query of length n
 * costs about n + n(n-1)/2 hash lookups.
 *
 * <p>Only the first {@value #PREFIX_LENGTH} characters of a term produce deletions, which bounds
 * the keys per term at 28. This loses no match: if two terms reduce to a common string with at
 * most k deletions each, their prefixes of equal length reduce to one prefix of that string with at
 * most k deletions each, after the longer side drops its extra tail.
 *
 * <p>Terms shorter than 3 characters are not stored, because no query term that allows an edit is
 * within one edit of them. Terms of 3 to 5 characters store deletions up to 1, because only query
 * terms of 4 to 7 characters (k = 1) can reach them. Longer terms store deletions up to 2.
 *
 * <p>Not thread-safe: {@link InMemorySearchIndex} guards it with its lock.
 */
final class TypoMatcher {
  /** Characters of a term that produce deletion keys. */
  static final int PREFIX_LENGTH = 7;

  /** A term id with its distance from the query term. */
  record Match(int termId, int distance) {}

  private final Map<String, TermIdList> termIdsByDeletion = new HashMap<>();

  /** Returns the maximum edit distance allowed for a query term of {@code length} characters. */
  static int maxEdits(int length) {
    if (length < 4) {
      return 0;
    }
    return length < 8 ? 1 : 2;
  }

  /** Stores {@code term} under its deletion keys; each term must be added once. */
  void add(String term, int termId) {
    int depth = storedDepth(term.length());
    if (depth < 0) {
      return;
    }
    for (String key : deletions(prefix(term), depth)) {
      termIdsByDeletion.computeIfAbsent(key, unused -> new TermIdList()).add(termId);
    }
  }

  /**
   * Returns the stored terms within the allowed distance of {@code queryTerm}, including the
   * query term itself when stored. {@code terms} maps term ids to their text.
   */
  List<Match> find(String queryTerm, List<String> terms) {
    int maxEdits = maxEdits(queryTerm.length());
    List<Match> matches = new ArrayList<>();
    if (maxEdits == 0) {
      return matches;
    }
    Set<Integer> seen = new HashSet<>();
    for (String key : deletions(prefix(queryTerm), maxEdits)) {
      TermIdList candidates = termIdsByDeletion.get(key);
      if (candidates == null) {
        continue;
      }
      for (int i = 0; i < candidates.size; i++) {
        int termId = candidates.ids[i];
        if (!seen.add(termId)) {
          continue;
        }
        String term = terms.get(termId);
        if (Math.abs(term.length() - queryTerm.length()) > maxEdits) {
          continue;
        }
        int distance = distance(queryTerm, term, maxEdits);
        if (distance <= maxEdits) {
          matches.add(new Match(termId, distance));
        }
      }
    }
    return matches;
  }

  /** Number of deletion keys, for tests and benchmarks. */
  int keyCount() {
    return termIdsByDeletion.size();
  }

  /**
   * Returns the optimal string alignment distance of {@code a} and {@code b}, or {@code bound +
   * 1} as soon as it is known to exceed {@code bound}.
   */
  static int distance(String a, String b, int bound) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > bound) {
      return bound + 1;
    }
    int[] beforePrevious = new int[m + 1];
    int[] previous = new int[m + 1];
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int value =
            Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          value = Math.min(value, beforePrevious[j - 2] + 1);
        }
        current[j] = value;
        rowMin = Math.min(rowMin, value);
      }
      if (rowMin > bound) {
        return bound + 1;
      }
      int[] recycled = beforePrevious;
      beforePrevious = previous;
      previous = current;
      current = recycled;
    }
    return Math.min(previous[m], bound + 1);
  }

  /** Deletion depth stored for a term of {@code length}, or -1 when it is not stored. */
  private static int storedDepth(int length) {
    if (length < 3) {
      return -1;
    }
    return length < 6 ? 1 : 2;
  }

  private static String prefix(String term) {
    return term.length() <= PREFIX_LENGTH ? term : term.substring(0, PREFIX_LENGTH);
  }

  /** Returns {@code text} and every string made by deleting up to {@code depth} characters. */
  private static Set<String> deletions(String text, int depth) {
    Set<String> result = new HashSet<>();
    result.add(text);
    List<String> frontier = new ArrayList<>();
    frontier.add(text);
    for (int level = 0; level < depth; level++) {
      List<String> next = new ArrayList<>();
      for (String word : frontier) {
        for (int i = 0; i < word.length(); i++) {
          String deleted = word.substring(0, i) + word.substring(i + 1);
          if (result.add(deleted)) {
            next.add(deleted);
          }
        }
      }
      frontier = next;
    }
    return result;
  }

  /** A growable list of term ids, smaller than a {@code List<Integer>}. */
  private static final class TermIdList {
    int[] ids = new int[2];
    int size;

    void add(int id) {
      if (size == ids.length) {
        ids = java.util.Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }
  }
}
