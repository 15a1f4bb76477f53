package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.Clock;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.testing.CapturingSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and broken links on real loopback sockets. A partial chunk continues on the next edge with a
 * range request from the received offset. A link that needs longer than the chunk timeout for one
 * chunk, but is faster than the bitrate, plays without waiting for the network.
 *
 * <p>The throttled case is the scenario of a 96 kbit/s track (12000 B/s) on edges capped at 40000
 * B/s with the default 3000 ms chunk timeout, run 4 times faster: a sink at 4x, edges capped at
 * 160000 B/s and a 750 ms chunk timeout. A 262144-byte chunk then needs 1.6 s, longer than the
 * chunk timeout.
 */
class SlowLinkTest {
  private static final String TRACK = StreamingHarness.TRACK_A;
  private static final String RENDITION = "vorbis-96";
  private static final int CHUNK_BYTES = 262_144;
  private static final double SPEED = 4;
  private static final long CHUNK_TIMEOUT_MS = 750;
  private static final long THROTTLE_BYTES_PER_S = 160_000;
  private static final long PLAYBACK_TIMEOUT_MS = 120_000;

  /** Allowance per request for the response head and bytes in flight when a request is cut. */
  private static final long PER_REQUEST_OVERHEAD_BYTES = 16_384;

  @TempDir static Path tempDir;
  private static final EdgeTraffic traffic = new EdgeTraffic();
  private static StreamingHarness harness;

  private Player player;

  @BeforeAll
  static void start() throws Exception {
    harness = StreamingHarness.start(tempDir, traffic);
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
  void throttledEdges_playWithoutWaiting() throws Exception {
    harness.addFault(
        "{\"kind\":\"throttle\",\"bytesPerS\":"
            + THROTTLE_BYTES_PER_S
            + ",\"object\":\""
            + TRACK
            + "/*\"}");
    int requestsBefore = traffic.ranges().size();
    long bytesBefore = traffic.bytesWritten("edge-0") + traffic.bytesWritten("edge-1");
    PacedSink sink = new PacedSink(SPEED);
    PlayerEvents events = new PlayerEvents();
    long startNanos = System.nanoTime();

    play(sink, events, Quality.NORMAL, CHUNK_TIMEOUT_MS);
    long playMs = (System.nanoTime() - startNanos) / 1_000_000;

    assertThat(events.errors()).isEmpty();
    assertThat(events.selected()).extracting(Rendition::id).containsExactly(RENDITION);
    assertThat(events.events()).doesNotContain("state WAITING_FOR_NETWORK");
    assertThat(events.retries()).as("rounds in which every edge failed").isEmpty();
    assertThat(sink.samples()).isEqualTo(harness.referenceDecode(TRACK, RENDITION));
    assertThat(harness.firstBadByteSeenByDecoders(List.of(TRACK))).isEqualTo(-1);

    List<String> requests = traffic.ranges().subList(requestsBefore, traffic.ranges().size());
    Set<String> offsets = new HashSet<>();
    for (String request : requests) {
      String range = request.substring(request.lastIndexOf(' ') + 1);
      assertThat(offsets.add(range.substring(0, range.indexOf('-'))))
          .as("a second request starting at %s (%s)", range, requests)
          .isTrue();
    }
    long objectBytes = harness.object(TRACK, RENDITION).length;
    long served = traffic.bytesWritten("edge-0") + traffic.bytesWritten("edge-1") - bytesBefore;
    assertThat(served)
        .as("bytes served for %d requests of a %d-byte object", requests.size(), objectBytes)
        .isLessThanOrEqualTo(objectBytes + requests.size() * PER_REQUEST_OVERHEAD_BYTES);
    System.out.printf(
        "throttled play: %d ms, %d requests, %d bytes served for %d object bytes,"
            + " %d stalls of %d ms%n",
        playMs, requests.size(), served, objectBytes, sink.stallCount(), sink.stallMs());
  }

  @Test
  void midChunkStall_resumesAtOffset() throws Exception {
    // edge-0 sends the first 100000 bytes of its first response, then nothing.
    harness.addFault(
        "{\"kind\":\"stall\",\"afterBytes\":100000,\"count\":1,"
            + "\"edge\":\"edge-0\",\"object\":\""
            + TRACK
            + "/*\"}");
    int requestsBefore = traffic.ranges().size();
    CapturingSink sink = CapturingSink.immediate();
    PlayerEvents events = new PlayerEvents();

    play(sink, events, Quality.HIGH, 1_000);

    assertThat(events.errors()).isEmpty();
    String rendition = events.selected().get(0).id();
    assertThat(sink.samples()).isEqualTo(harness.referenceDecode(TRACK, rendition));
    assertThat(harness.firstBadByteSeenByDecoders(List.of(TRACK))).isEqualTo(-1);
    List<String> requests =
        new ArrayList<>(traffic.ranges().subList(requestsBefore, traffic.ranges().size()));
    assertThat(requests.get(0))
        .isEqualTo("edge-0 " + TRACK + "/" + rendition + " bytes=0-" + (CHUNK_BYTES - 1));
    assertThat(requests.get(1))
        .isEqualTo("edge-1 " + TRACK + "/" + rendition + " bytes=100000-" + (CHUNK_BYTES - 1));
    assertThat(events.failovers()).hasSize(1);
  }

  private void play(AudioSink sink, PlayerEvents events, Quality quality, long chunkTimeoutMs)
      throws Exception {
    player =
        Player.builder()
            .setClient(harness.newClient())
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(quality)
            .setClock(Clock.SYSTEM)
            .setChunkTimeoutMs(chunkTimeoutMs)
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    player.play(TRACK);
    events.awaitEndedOrError(PLAYBACK_TIMEOUT_MS);
  }
}
