package dev.tonearm.server.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.testing.CapturingSink;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server restart between login and playback: a new embedded server instance on the same
 * data directory and API port, which has lost every session because the server keeps tokens in
 * memory. The client's refresh token is then rejected.
 */
class ServerRestartTest {
  private static final String TRACK = StreamingHarness.TRACK_A;
  private static final long PLAYBACK_TIMEOUT_MS = 120_000;

  @TempDir Path tempDir;
  private StreamingHarness harness;
  private Player player;

  @AfterEach
  void stop() {
    if (player != null) {
      player.release();
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void restart_withReauthenticator_logsInAgainAndPlays() throws Exception {
    harness = StreamingHarness.start(tempDir);
    AtomicInteger logins = new AtomicInteger();
    TonearmClient client =
        TonearmClient.builder()
            .setBaseUrl(harness.server.apiUrl())
            .setReauthenticator(
                c -> {
                  logins.incrementAndGet();
                  c.login(
                      ReferenceServer.DEMO_PREMIUM_USERNAME,
                      ReferenceServer.DEMO_PREMIUM_PASSWORD);
                })
            .build();
    client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    String tokenBeforeRestart = client.tokenStore().tokens().accessToken();
    harness = harness.restart();

    CapturingSink sink = CapturingSink.immediate();
    PlayerEvents events = play(client, sink);

    assertThat(events.errors()).isEmpty();
    assertThat(events.events()).contains("state ENDED");
    assertThat(logins.get()).as("reauthenticator calls").isEqualTo(1);
    assertThat(events.events()).containsOnlyOnce("session refreshed");
    assertThat(client.tokenStore().tokens().accessToken()).isNotEqualTo(tokenBeforeRestart);
    String rendition = events.selected().get(0).id();
    assertThat(sink.samples()).isEqualTo(harness.referenceDecode(TRACK, rendition));
    assertThat(harness.firstBadByteSeenByDecoders(List.of(TRACK))).isEqualTo(-1);
  }

  @Test
  void restart_withoutReauthenticator_failsWithAuthReason() throws Exception {
    harness = StreamingHarness.start(tempDir);
    TonearmClient client = harness.newClient();
    harness = harness.restart();

    PlayerEvents events = play(client, CapturingSink.immediate());

    assertThat(events.errors())
        .extracting(PlaybackException::reason)
        .containsExactly(PlaybackException.ERROR_AUTH_FAILED);
    assertThat(client.tokenStore().tokens()).isNull();
  }

  private PlayerEvents play(TonearmClient client, CapturingSink sink) throws Exception {
    PlayerEvents events = new PlayerEvents();
    player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(harness.vorbisDecoders())
            .setContentDecryption(harness.recordingDecryption())
            .setQuality(Quality.HIGH)
            .setClock(Clock.SYSTEM)
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(events);
    player.play(TRACK);
    events.awaitEndedOrError(PLAYBACK_TIMEOUT_MS);
    return events;
  }
}
