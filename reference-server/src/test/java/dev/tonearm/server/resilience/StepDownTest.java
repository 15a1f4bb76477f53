package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.Clock;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.source.ExponentialBackoff;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bitrate step-down on real sockets. Once track A plays, both edges stall every request for its 160
 * kbit/s rendition. The buffer drains below 5 s, so the player switches the rest of the track to
 * the 96 kbit/s rendition at the current position. Track B then starts at 160 kbit/s again. The
 * sink is real-time at 8 times real speed.
 */
class StepDownTest {
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
  void lowBuffer_stepsDownAtPosition() throws Exception {
    List<String> queue = List.of(StreamingHarness.TRACK_A, StreamingHarness.TRACK_B);
    PacedSink sink = new PacedSink(8);
    PlayerEvents events = new PlayerEvents();
    Player player =
        Player.builder()
            .setClient(harness.newClient())
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(Quality.HIGH)
            .setClock(Clock.SYSTEM)
            .setChunkTimeoutMs(1_000)
            .setBackoff(new ExponentialBackoff(100, 1_000, new Random(1)))
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    try {
      player.play(queue);
      events.await(list -> list.contains("state PLAYING"), "playing", 60_000);
      harness.addFault(
          "{\"kind\":\"stall\",\"object\":\"" + StreamingHarness.TRACK_A + "/vorbis-160\"}");
      events.awaitEndedOrError(300_000);

      assertThat(events.errors()).isEmpty();
      assertThat(events.stepDowns()).isNotEmpty();
      PlayerEvents.StepDown first = events.stepDowns().get(0);
      assertThat(first.trackId()).isEqualTo(StreamingHarness.TRACK_A);
      assertThat(first.from().id()).isEqualTo("vorbis-160");
      assertThat(first.to().id()).isEqualTo("vorbis-96");
      assertThat(first.toFrame()).as("same sample rate, same frame").isEqualTo(first.fromFrame());
      assertThat(first.fromFrame()).isGreaterThan(0);
      assertThat(events.stepDowns())
          .allMatch(stepDown -> stepDown.trackId().equals(StreamingHarness.TRACK_A));
      assertThat(events.selected().get(1).id()).isEqualTo("vorbis-160");
      assertThat(sink.samples()).isEqualTo(ExpectedOutput.build(harness, queue, events));
      assertThat(harness.firstBadByteSeenByDecoders(queue)).isEqualTo(-1);
    } finally {
      player.release();
      harness.server.faultInjector().clear();
    }
  }
}
