package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** Top-k selection shared by the candidate sources. Stateless. */
final class Ranking {
  /** Highest score first, ties by track id, so results do not depend on hash order. */
  static final Comparator<Map.Entry<String, Double>> BEST_FIRST =
      Comparator.comparing((Map.Entry<String, Double> entry) -> -entry.getValue())
          .thenComparing(Map.Entry::getKey);

  private Ranking() {}

  /** Returns the {@code k} best entries of {@code scores}, best first, in O(n log k). */
  static List<Map.Entry<String, Double>> top(Map<String, Double> scores, int k) {
    if (k <= 0) {
      return new ArrayList<>();
    }
    PriorityQueue<Map.Entry<String, Double>> worstFirst =
        new PriorityQueue<>(BEST_FIRST.reversed());
    for (Map.Entry<String, Double> entry : scores.entrySet()) {
      worstFirst.add(Map.entry(entry.getKey(), entry.getValue()));
      if (worstFirst.size() > k) {
        worstFirst.poll();
      }
    }
    List<Map.Entry<String, Double>> best = new ArrayList<>(worstFirst);
    best.sort(BEST_FIRST);
    return best;
  }
}
