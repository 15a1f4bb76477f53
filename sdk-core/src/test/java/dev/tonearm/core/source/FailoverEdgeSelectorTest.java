package dev.tonearm.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.testing.FakeClock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Edge exclusion on an injected clock, and the backoff delays. */
class FailoverEdgeSelectorTest {
  private static final List<String> EDGES = Arrays.asList("e0", "e1", "e2");
  private static final PlaybackException FAILURE =
      new PlaybackException(PlaybackException.ERROR_SERVER, "HTTP 503");

  private final FakeClock clock = new FakeClock(1_000);
  private final FailoverEdgeSelector selector = new FailoverEdgeSelector(clock, 10_000);

  @Test
  void working_staysOnFirstEdge() {
    assertThat(selector.selectEdge(EDGES, "t", 0)).isEqualTo(0);
    selector.onTransferSucceeded("e0", 100, 10);
    assertThat(selector.selectEdge(EDGES, "t", 1)).isEqualTo(0);
  }

  @Test
  void failedEdge_excludedUntilPeriodEnds_thenRetried() {
    selector.selectEdge(EDGES, "t", 0);
    selector.onTransferFailed("e0", "t", 0, FAILURE);

    assertThat(selector.selectEdge(EDGES, "t", 0)).isEqualTo(1);
    selector.onTransferFailed("e1", "t", 0, FAILURE);
    assertThat(selector.selectEdge(EDGES, "t", 0)).isEqualTo(2);
    assertThat(selector.isExcluded("e0")).isTrue();

    clock.advanceMs(9_999);
    assertThat(selector.isExcluded("e0")).isTrue();
    clock.advanceMs(1);
    assertThat(selector.isExcluded("e0")).isFalse();
    selector.onTransferFailed("e2", "t", 1, FAILURE);
    assertThat(selector.selectEdge(EDGES, "t", 1)).as("e0's exclusion ended").isEqualTo(0);
  }

  @Test
  void allExcluded_returnsEdgeWhoseExclusionEndsFirst() {
    selector.onTransferFailed("e1", "t", 0, FAILURE);
    clock.advanceMs(100);
    selector.onTransferFailed("e0", "t", 0, FAILURE);
    clock.advanceMs(100);
    selector.onTransferFailed("e2", "t", 0, FAILURE);

    assertThat(selector.selectEdge(EDGES, "t", 0)).isEqualTo(1);
  }

  @Test
  void success_liftsExclusion() {
    selector.onTransferFailed("e0", "t", 0, FAILURE);
    selector.onTransferSucceeded("e0", 100, 10);

    assertThat(selector.isExcluded("e0")).isFalse();
  }

  @Test
  void backoff_delaysWithinDoublingCeiling() {
    ExponentialBackoff backoff = new ExponentialBackoff(500, 30_000, new Random(7));

    for (int attempt = 0; attempt < 12; attempt++) {
      long ceiling = Math.min(30_000, 500L << attempt);
      assertThat(backoff.ceilingMs(attempt)).isEqualTo(ceiling);
      assertThat(backoff.delayMs(attempt)).isBetween(0L, ceiling);
    }
    assertThat(backoff.ceilingMs(100)).isEqualTo(30_000);
  }

  @Test
  void backoff_sameSeed_sameDelays() {
    ExponentialBackoff first = new ExponentialBackoff(500, 30_000, new Random(11));
    ExponentialBackoff second = new ExponentialBackoff(500, 30_000, new Random(11));

    for (int attempt = 0; attempt < 8; attempt++) {
      assertThat(first.delayMs(attempt)).isEqualTo(second.delayMs(attempt));
    }
  }
}
