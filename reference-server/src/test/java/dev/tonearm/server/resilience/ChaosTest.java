package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.Clock;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.source.ExponentialBackoff;
import dev.tonearm.server.fault.FaultKind;
import dev.tonearm.server.http.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real tracks played through a seeded random schedule that injects every fault kind on both
 * edges. Every pass must produce exactly the fault-free output, except after announced bitrate
 * switches, where it must equal the new rendition's decode from the switch frame. No byte other
 * than the origin's may reach decryption, and so none reaches a decoder. Passes repeat (at most
 * {@value #MAX_PASSES}), with the schedule's draws going on, until every kind has struck on both
 * edges. Stall count and stall time of the real-time sink (8 times real speed) are reported, not
 * asserted.
 */
class ChaosTest {
  private static final int MAX_PASSES = 5;
  private static final String SCHEDULE =
      "{\"seed\":20261204,"
          + "\"probabilities\":{\"latency\":0.1,\"stall\":0.09,\"reset\":0.09,\"corrupt\":0.09,"
          + "\"truncate\":0.09,\"status\":0.09,\"unauthorized\":0.09,\"throttle\":0.09},"
          + "\"latencyMs\":300,\"stallMs\":1500,\"status\":503,\"bytesPerS\":65536}";

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
  void seededSchedule_outputExact(TestReporter reporter) throws Exception {
    List<String> queue = List.of(StreamingHarness.TRACK_A, StreamingHarness.TRACK_B);
    harness.server.faultInjector().setSchedule(Json.MAPPER.readTree(SCHEDULE));
    try {
      int pass = 0;
      while (!everyKindOnEveryEdge() && pass < MAX_PASSES) {
        pass++;
        playOnce(queue, pass, reporter);
      }

      Map<String, Map<String, Long>> injected = harness.server.faultInjector().injectedCounts();
      reporter.publishEntry("injected", injected.toString());
      System.out.println("ChaosTest injected faults: " + injected);
      for (String edge : List.of("edge-0", "edge-1")) {
        for (FaultKind kind : FaultKind.values()) {
          assertThat(injected.get(edge).get(kind.apiName()))
              .as("%s faults on %s after %d passes", kind.apiName(), edge, pass)
              .isGreaterThanOrEqualTo(1);
        }
      }
    } finally {
      harness.server.faultInjector().clear();
    }
  }

  private void playOnce(List<String> queue, int pass, TestReporter reporter) throws Exception {
    PacedSink sink = new PacedSink(8);
    PlayerEvents events = new PlayerEvents();
    int sourcesBefore = harness.sources().size();
    Player player =
        Player.builder()
            .setClient(harness.newClient())
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(Quality.HIGH)
            .setClock(Clock.SYSTEM)
            .setChunkTimeoutMs(1_000)
            .setBackoff(new ExponentialBackoff(200, 2_000, new Random(pass)))
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    try {
      player.play(queue);
      events.awaitEndedOrError(600_000);
    } finally {
      player.release();
    }

    String figures =
        "stalls "
            + sink.stallCount()
            + ", stalled "
            + sink.stallMs()
            + " ms of "
            + sink.playedMs()
            + " ms played; failovers "
            + events.failovers().size()
            + ", retries "
            + events.retries().size()
            + ", step-downs "
            + events.stepDowns().size();
    reporter.publishEntry("pass " + pass, figures);
    // Surefire's reports do not show report entries, so the figures also go to standard output.
    System.out.println("ChaosTest pass " + pass + ": " + figures);
    assertThat(events.errors()).as("player errors in pass %d", pass).isEmpty();
    assertThat(events.events()).contains("state ENDED");
    assertThat(sink.samples())
        .as("output of pass %d", pass)
        .isEqualTo(ExpectedOutput.build(harness, queue, events));
    assertThat(harness.sources().size()).isGreaterThan(sourcesBefore);
    assertThat(harness.firstBadByteSeenByDecoders(queue))
        .as("first byte that reached decryption but differs from the origin")
        .isEqualTo(-1);
  }

  private static boolean everyKindOnEveryEdge() {
    Map<String, Map<String, Long>> injected = harness.server.faultInjector().injectedCounts();
    return injected.values().stream()
        .allMatch(counts -> counts.values().stream().allMatch(count -> count > 0));
  }
}
