package dev.tonearm.sync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void cap_doublesUntilMaximum() {
    Backoff backoff = new Backoff(500, 30_000, new Random(1));

    assertThat(backoff.capMs(0)).isEqualTo(500);
    assertThat(backoff.capMs(1)).isEqualTo(1_000);
    assertThat(backoff.capMs(5)).isEqualTo(16_000);
    assertThat(backoff.capMs(6)).isEqualTo(30_000);
    assertThat(backoff.capMs(1_000)).isEqualTo(30_000);
  }

  @Test
  void delay_isUniformWithinCap() {
    Backoff backoff = new Backoff(100, 1_000, new Random(9));
    long max = 0;
    long sum = 0;
    int count = 10_000;

    for (int i = 0; i < count; i++) {
      long delayMs = backoff.delayMs(3);
      assertThat(delayMs).isBetween(0L, 800L);
      max = Math.max(max, delayMs);
      sum += delayMs;
    }

    assertThat(max).isGreaterThan(780);
    assertThat(sum / (double) count).isBetween(380.0, 420.0);
  }
}
