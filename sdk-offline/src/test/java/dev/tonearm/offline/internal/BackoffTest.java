package dev.tonearm.offline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void ceiling_doublesPerAttemptUpToMax() {
    Backoff backoff = new Backoff(500, 10_000, new Random(1));

    assertThat(backoff.ceilingMs(1)).isEqualTo(500);
    assertThat(backoff.ceilingMs(2)).isEqualTo(1_000);
    assertThat(backoff.ceilingMs(5)).isEqualTo(8_000);
    assertThat(backoff.ceilingMs(6)).isEqualTo(10_000);
    assertThat(backoff.ceilingMs(64)).isEqualTo(10_000);
    assertThat(backoff.ceilingMs(Integer.MAX_VALUE)).isEqualTo(10_000);
  }

  @Test
  void delay_fullJitter_coversRangeBelowCeiling() {
    Backoff backoff = new Backoff(1_000, 60_000, new Random(42));
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    double sum = 0;
    int draws = 10_000;
    for (int i = 0; i < draws; i++) {
      long delay = backoff.delayMs(3);
      assertThat(delay).isBetween(0L, 3_999L);
      min = Math.min(min, delay);
      max = Math.max(max, delay);
      sum += delay;
    }

    assertThat(min).isLessThan(100);
    assertThat(max).isGreaterThan(3_900);
    assertThat(sum / draws).isBetween(1_900.0, 2_100.0);
  }

  @Test
  void constructor_invalidBounds_isRejected() {
    assertThatThrownBy(() -> new Backoff(0, 10, new Random()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < baseMs <= maxMs: 0, 10");
    assertThatThrownBy(() -> new Backoff(10, 5, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 50, new Random()).ceilingMs(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
