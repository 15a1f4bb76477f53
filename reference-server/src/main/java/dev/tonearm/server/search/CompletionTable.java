package dev.tonearm.server.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Snapshot of the vocabulary for prefix completion: the terms sorted, so the terms with one prefix
 * form a contiguous range found by two binary searches, and a sparse table of range maxima over
 * their weights. The top k of a range come from a best-first walk that splits the range around
 * each maximum it takes, so a query costs O(log n + k log k) however many terms share the prefix.
 *
 * <p>Immutable and thread-safe; the index builds a new one after its vocabulary or weights change.
 */
final class CompletionTable {
  private final String[] terms;
  private final double[] weights;

  /** {@code maxIndex[level][i]}: index of the heaviest term in {@code [i, i + 2^level)}. */
  private final int[][] maxIndex;

  /**
   * Builds the table.
   *
   * @param terms the vocabulary, any order
   * @param weights weight of each term; terms of weight 0 or less are left out
   */
  CompletionTable(List<String> terms, double[] weights) {
    Integer[] order = new Integer[terms.size()];
    int count = 0;
    for (int i = 0; i < terms.size(); i++) {
      if (weights[i] > 0) {
        order[count++] = i;
      }
    }
    Integer[] kept = Arrays.copyOf(order, count);
    Arrays.sort(kept, Comparator.comparing(terms::get));
    this.terms = new String[count];
    this.weights = new double[count];
    for (int i = 0; i < count; i++) {
      this.terms[i] = terms.get(kept[i]);
      this.weights[i] = weights[kept[i]];
    }
    int levels = 1;
    while ((1 << levels) <= count) {
      levels++;
    }
    maxIndex = new int[levels][];
    maxIndex[0] = new int[count];
    for (int i = 0; i < count; i++) {
      maxIndex[0][i] = i;
    }
    for (int level = 1; level < levels; level++) {
      int span = 1 << level;
      int[] row = new int[Math.max(0, count - span + 1)];
      for (int i = 0; i < row.length; i++) {
        row[i] = heavier(maxIndex[level - 1][i], maxIndex[level - 1][i + span / 2]);
      }
      maxIndex[level] = row;
    }
  }

  /** Returns up to {@code limit} terms that start with {@code prefix}, heaviest first. */
  List<String> complete(String prefix, int limit) {
    int from = lowerBound(prefix);
    int to = lowerBound(prefix + Character.MAX_VALUE);
    List<String> result = new ArrayList<>();
    if (from >= to) {
      return result;
    }
    // Each entry is {from, to, index of the heaviest term in [from, to)}.
    PriorityQueue<int[]> ranges =
        new PriorityQueue<>(
            Comparator.<int[]>comparingDouble(range -> -weights[range[2]])
                .thenComparingInt(range -> range[2]));
    ranges.add(new int[] {from, to, rangeMax(from, to)});
    while (!ranges.isEmpty() && result.size() < limit) {
      int[] range = ranges.poll();
      int best = range[2];
      result.add(terms[best]);
      if (range[0] < best) {
        ranges.add(new int[] {range[0], best, rangeMax(range[0], best)});
      }
      if (best + 1 < range[1]) {
        ranges.add(new int[] {best + 1, range[1], rangeMax(best + 1, range[1])});
      }
    }
    return result;
  }

  /** Returns the index of the heaviest term in the non-empty range {@code [from, to)}. */
  private int rangeMax(int from, int to) {
    int level = 31 - Integer.numberOfLeadingZeros(to - from);
    return heavier(maxIndex[level][from], maxIndex[level][to - (1 << level)]);
  }

  /** Returns the heavier of two term indexes; the earlier one in sort order on a tie. */
  private int heavier(int a, int b) {
    if (weights[a] != weights[b]) {
      return weights[a] > weights[b] ? a : b;
    }
    return Math.min(a, b);
  }

  private int lowerBound(String key) {
    int low = 0;
    int high = terms.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (terms[middle].compareTo(key) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
