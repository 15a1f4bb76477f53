package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.source.ExponentialBackoff;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.FakeScheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network down on real sockets: every edge resets every connection, so the player waits with
 * exponential backoff and resumes by itself when the edges serve again. Retry delays run on a fake
 * scheduler that the test advances, so no test time is spent waiting for them.
 */
class NetworkDownTest {
  private static final String TRACK = StreamingHarness.TRACK_A;
  private static final long SEED = 42;

  @TempDir static Path tempDir;
  private static StreamingHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = StreamingHarness.start(tempDir);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void allEdgesDown_waitsThenResumes() throws Exception {
    harness.addFault("{\"kind\":\"reset\",\"object\":\"" + TRACK + "/*\"}");
    FakeClock clock = new FakeClock(0);
    FakeScheduler scheduler = new FakeScheduler(clock);
    CapturingSink sink = CapturingSink.immediate();
    PlayerEvents events = new PlayerEvents();
    Player player =
        Player.builder()
            .setClient(harness.newClient())
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(Quality.NORMAL)
            .setClock(clock)
            .setScheduler(scheduler)
            .setBackoff(new ExponentialBackoff(500, 30_000, new Random(SEED)))
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    try {
      player.play(TRACK);
      List<Long> expectedDelays = new ArrayList<>();
      ExponentialBackoff reference = new ExponentialBackoff(500, 30_000, new Random(SEED));
      for (int attempt = 1; attempt <= 4; attempt++) {
        int retry = attempt;
        events.await(
            list -> list.stream().filter(e -> e.startsWith("retry ")).count() >= retry,
            "retry " + attempt,
            30_000);
        expectedDelays.add(reference.delayMs(attempt - 1));
        assertThat(scheduler.awaitPending(10_000)).isTrue();
        if (attempt == 1) {
          events.await(list -> list.contains("state WAITING_FOR_NETWORK"), "waiting state", 10_000);
        }
        if (attempt < 4) {
          scheduler.advanceMs(30_000);
        }
      }

      assertThat(player.state()).isEqualTo(Player.State.WAITING_FOR_NETWORK);
      assertThat(events.retryDelaysMs()).isEqualTo(expectedDelays);
      for (int i = 0; i < 4; i++) {
        assertThat(events.retryDelaysMs().get(i)).isLessThanOrEqualTo(500L << i);
      }
      PlaybackException fourth = events.retries().get(3);
      assertThat(fourth.reason()).isEqualTo(PlaybackException.ERROR_NETWORK);
      assertThat(fourth.getSuppressed())
          .as("earlier failures: two edges in each of four rounds, minus the reported one")
          .hasSize(7);
      assertThat(events.errors()).isEmpty();

      harness.server.faultInjector().clear();
      scheduler.advanceMs(30_000);
      events.awaitEndedOrError(120_000);

      assertThat(events.errors()).isEmpty();
      assertThat(events.events())
          .containsSubsequence("state WAITING_FOR_NETWORK", "state PLAYING", "state ENDED");
      assertThat(sink.samples()).isEqualTo(ExpectedOutput.build(harness, List.of(TRACK), events));
      assertThat(harness.firstBadByteSeenByDecoders(List.of(TRACK))).isEqualTo(-1);
    } finally {
      player.release();
      harness.server.faultInjector().clear();
    }
  }
}
