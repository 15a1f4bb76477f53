package dev.tonearm.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares long sample arrays and reports the first difference. AssertJ's containsExactly computes
 * a full difference list, which takes minutes on arrays of a million samples.
 */
public final class PcmAssert {
  private PcmAssert() {}

  /** Asserts that {@code actual} equals {@code expected} sample for sample. */
  public static void assertSamplesEqual(int[] actual, int[] expected) {
    int common = Math.min(actual.length, expected.length);
    for (int i = 0; i < common; i++) {
      if (actual[i] != expected[i]) {
        assertThat(actual[i])
            .as("sample %d of %d (first difference)", i, expected.length)
            .isEqualTo(expected[i]);
      }
    }
    assertThat(actual.length).as("sample count").isEqualTo(expected.length);
  }
}
