package dev.tonearm.drm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds plaintext inside other bytes, to show that ciphertext leaks none of it.
 *
 * <p>Any window of {@code 2w} bytes of the plaintext contains a whole block of {@code w} bytes that
 * starts at a multiple of {@code w}. So when no such aligned block occurs anywhere in the haystack,
 * no window of {@code 2w} bytes does either. The search hashes every position of the haystack with
 * a rolling polynomial hash and compares bytes only on a hash match, so it takes time linear in the
 * sizes. Stateless.
 */
final class PlaintextWindows {
  private static final long BASE = 1_000_003L;

  private PlaintextWindows() {}

  /**
   * Returns the offset in {@code haystack} of the first plaintext window of {@code windowBytes}, an
   * even number, or -1 if none occurs.
   */
  static long findWindow(byte[] haystack, byte[] plaintext, int windowBytes) {
    int block = windowBytes / 2;
    if (plaintext.length < block || haystack.length < block) {
      return -1;
    }
    Map<Long, List<Integer>> blocksByHash = new HashMap<>();
    for (int start = 0; start + block <= plaintext.length; start += block) {
      blocksByHash
          .computeIfAbsent(hash(plaintext, start, block), key -> new java.util.ArrayList<>())
          .add(start);
    }
    long power = 1;
    for (int i = 0; i < block - 1; i++) {
      power *= BASE;
    }
    long rolling = hash(haystack, 0, block);
    for (int position = 0; ; position++) {
      List<Integer> candidates = blocksByHash.get(rolling);
      if (candidates != null) {
        for (int start : candidates) {
          if (Arrays.equals(
              haystack, position, position + block, plaintext, start, start + block)) {
            return position;
          }
        }
      }
      if (position + block >= haystack.length) {
        return -1;
      }
      rolling =
          (rolling - (haystack[position] & 0xff) * power) * BASE
              + (haystack[position + block] & 0xff);
    }
  }

  private static long hash(byte[] bytes, int start, int length) {
    long hash = 0;
    for (int i = start; i < start + length; i++) {
      hash = hash * BASE + (bytes[i] & 0xff);
    }
    return hash;
  }
}
