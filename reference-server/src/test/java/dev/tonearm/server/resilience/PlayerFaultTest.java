package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.testing.CapturingSink;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The player against each fault kind alone, injected by the reference server's edges on real
 * loopback sockets: the first request of the track on {@code edge-0} meets the fault. Each test
 * checks that playback ends without error and that the output equals a straight decode of the
 * rendition file sample for sample. It also checks that no byte other than the origin's reached
 * decryption (and so decoding), and that the player reacted as the fault requires (failover with
 * the right reason, or none).
 *
 * <p>The chunk timeout is 1 s instead of 3 s to keep the tests short. The sink is not real-time, so
 * there are no bitrate switches here.
 */
class PlayerFaultTest {
  private static final String TRACK = StreamingHarness.TRACK_A;
  private static final String EDGE_0_FAULT = "\"edge\":\"edge-0\",\"object\":\"" + TRACK + "/*\"";
  private static final long CHUNK_TIMEOUT_MS = 1_000;
  private static final long PLAYBACK_TIMEOUT_MS = 120_000;

  @TempDir static Path tempDir;
  private static StreamingHarness harness;

  private Player player;

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

  @AfterEach
  void releasePlayer() {
    if (player != null) {
      player.release();
    }
    harness.server.faultInjector().clear();
  }

  @Test
  void latency_playsWithoutFailover() throws Exception {
    harness.addFault("{\"kind\":\"latency\",\"latencyMs\":300," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertThat(events.failovers()).isEmpty();
    assertInjected("latency");
  }

  @Test
  void stallForever_timesOutAndFailsOver() throws Exception {
    harness.addFault("{\"kind\":\"stall\",\"afterBytes\":1000," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertFirstFailover(events, PlaybackException.ERROR_TIMEOUT);
    assertInjected("stall");
  }

  @Test
  void resetBeforeHead_failsOver() throws Exception {
    harness.addFault("{\"kind\":\"reset\"," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertFirstFailover(events, PlaybackException.ERROR_NETWORK);
    assertInjected("reset");
  }

  @Test
  void corrupt_rejectedAndRefetchedFromOtherEdge() throws Exception {
    harness.addFault("{\"kind\":\"corrupt\",\"offsets\":[100]," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertFirstFailover(events, PlaybackException.ERROR_CHUNK_CORRUPT);
    assertInjected("corrupt");
  }

  @Test
  void truncate_failsOver() throws Exception {
    harness.addFault("{\"kind\":\"truncate\",\"afterBytes\":4000," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertFirstFailover(events, PlaybackException.ERROR_NETWORK);
    assertInjected("truncate");
  }

  @Test
  void serverError_failsOver() throws Exception {
    harness.addFault("{\"kind\":\"status\",\"status\":503," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    PlayerEvents.Failover failover = assertFirstFailover(events, PlaybackException.ERROR_SERVER);
    assertThat(failover.error().httpStatus()).isEqualTo(503);
    assertInjected("status");
  }

  @Test
  void unauthorized_refreshesTokenSilentlyWithoutFailover() throws Exception {
    TonearmClient client = harness.newClient();
    String firstToken = client.tokenStore().tokens().accessToken();
    harness.addFault(
        "{\"kind\":\"unauthorized\",\"token\":\"" + firstToken + "\"," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(client);

    assertPlayedExactly(events);
    assertThat(events.failovers()).isEmpty();
    assertThat(client.tokenStore().tokens().accessToken()).isNotEqualTo(firstToken);
    assertThat(events.events()).containsOnlyOnce("session refreshed");
    assertInjected("unauthorized");
  }

  @Test
  void throttle_timesOutAndFailsOver() throws Exception {
    // 20000 B/s brings a 256 KiB chunk in 13 s, far beyond the 1 s chunk timeout.
    harness.addFault("{\"kind\":\"throttle\",\"bytesPerS\":20000," + EDGE_0_FAULT + "}");

    PlayerEvents events = play(harness.newClient());

    assertPlayedExactly(events);
    assertFirstFailover(events, PlaybackException.ERROR_TIMEOUT);
    assertInjected("throttle");
  }

  private PlayerEvents play(TonearmClient client) throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    PlayerEvents events = new PlayerEvents();
    player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(Quality.HIGH)
            .setClock(Clock.SYSTEM)
            .setChunkTimeoutMs(CHUNK_TIMEOUT_MS)
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    lastSink = sink;
    player.play(TRACK);
    events.awaitEndedOrError(PLAYBACK_TIMEOUT_MS);
    return events;
  }

  private CapturingSink lastSink;

  private void assertPlayedExactly(PlayerEvents events) throws Exception {
    assertThat(events.errors()).isEmpty();
    assertThat(events.events()).contains("state ENDED");
    List<Rendition> selected = events.selected();
    assertThat(selected).hasSize(1);
    int[] expected = harness.referenceDecode(TRACK, selected.get(0).id());
    int[] actual = lastSink.samples();
    assertThat(actual.length).as("sample count").isEqualTo(expected.length);
    assertThat(actual).as("samples").isEqualTo(expected);
    assertThat(harness.firstBadByteSeenByDecoders(List.of(TRACK)))
        .as("first byte that reached decryption but differs from the origin")
        .isEqualTo(-1);
  }

  private static PlayerEvents.Failover assertFirstFailover(PlayerEvents events, String reason) {
    List<PlayerEvents.Failover> failovers = events.failovers();
    assertThat(failovers).isNotEmpty();
    PlayerEvents.Failover first = failovers.get(0);
    assertThat(first.error().reason()).isEqualTo(reason);
    assertThat(first.from()).isEqualTo(harness.server.edgeUrls().get(0));
    assertThat(first.to()).isEqualTo(harness.server.edgeUrls().get(1));
    return first;
  }

  private static void assertInjected(String kind) {
    assertThat(harness.server.faultInjector().injectedCounts().get("edge-0").get(kind))
        .as("requests that got %s on edge-0", kind)
        .isGreaterThanOrEqualTo(1);
  }
}
