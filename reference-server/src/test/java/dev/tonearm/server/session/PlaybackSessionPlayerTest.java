package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.session.PlaybackSessionClient;
import dev.tonearm.core.session.SessionInfo;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.resilience.CtrTestSource;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.FakeScheduler;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices of the premium demo account play the demo track through real {@link Player}s
 * against the real server: the takeover reaches the first device over the events socket or, with
 * the socket down, through its heartbeat. Heartbeat and reconnect timers run on a {@link
 * FakeScheduler}, so heartbeats go out only when a test calls {@link
 * PlaybackSessionClient#heartbeat()}; the server's session clock is moved by hand.
 */
@ExtendWith(NoLeaks.class)
class PlaybackSessionPlayerTest {
  private static final String DEMO_TRACK = "t-c9d9bdd0c399";
  private static final long WAIT_MS = 15_000;

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private final FakeScheduler scheduler = new FakeScheduler(new FakeClock(0));
  private final List<Device> devices = new ArrayList<>();

  /** One device: its API client, session client and player. */
  private final class Device {
    final TonearmClient client;
    final PlaybackSessionClient session;
    final Player player;
    final Events events = new Events();

    Device(String deviceId, boolean withSocket) throws Exception {
      ReferenceServer server = fixture.server;
      client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
      client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
      session =
          PlaybackSessionClient.builder()
              .setClient(client)
              .setDeviceId(deviceId)
              .setEventsUrl(withSocket ? server.sessionEventsUrl() : null)
              .setScheduler(scheduler)
              .build();
      player =
          Player.builder()
              .setClient(client)
              .setSink(new RealTimeSink())
              .setContentDecryption(PlaybackSessionPlayerTest.this::decrypt)
              .setPlaybackSession(session)
              .build();
      player.addListener(events);
      devices.add(this);
    }

    void close() {
      player.release();
      session.close();
      client.httpClient().dispatcher().executorService().shutdown();
      client.httpClient().connectionPool().evictAll();
    }
  }

  /** Records the takeover events of one player. Thread-safe. */
  private static final class Events implements Player.Listener {
    final List<String> supersededBy = new ArrayList<>();
    final List<PlaybackException> superseded = new ArrayList<>();
    final List<PlaybackException> errors = new ArrayList<>();

    @Override
    public synchronized void onPlaybackSuperseded(String byDeviceId, PlaybackException reason) {
      supersededBy.add(byDeviceId);
      superseded.add(reason);
    }

    @Override
    public synchronized void onPlayerError(PlaybackException error) {
      errors.add(error);
    }

    synchronized int supersededCount() {
      return superseded.size();
    }
  }

  /**
   * A sink that blocks in {@code write} for the block's duration, as a sound card does, so that
   * the demo track keeps playing for its 104 s instead of decoding to the end at once.
   */
  private static final class RealTimeSink implements AudioSink {
    private volatile PcmFormat format;

    @Override
    public void open(PcmFormat format) {
      this.format = format;
    }

    @Override
    public void write(int[] block, int frames) throws InterruptedIOException {
      try {
        TimeUnit.MICROSECONDS.sleep(frames * 1_000_000L / format.sampleRateHz());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("write interrupted");
      }
    }

    @Override
    public void drain() {}

    @Override
    public boolean isRealTime() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** Decrypts with the server's copy of the content key, as a licensed device would. */
  private ByteSource decrypt(Manifest manifest, Rendition rendition, ByteSource ciphertext)
      throws PlaybackException {
    try (ContentKey key =
        fixture.server.keyManagement().contentKey(rendition.encryption().keyId())) {
      return new CtrTestSource(
          ciphertext, key.keyBytes(), HexFormat.of().parseHex(rendition.encryption().iv()));
    } catch (DrmServiceException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED, "no content key: " + e.getMessage(), e);
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    fixture =
        new SessionFixture(TestServers.builder(TestServers.seededDataDir(tempDir.resolve("data"))));
  }

  @AfterEach
  void stopServer() {
    for (Device device : devices) {
      device.close();
    }
    fixture.server.close();
  }

  /** Waits for a condition that threads of the player or OkHttp make true. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT_MS + " ms waiting for " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static void startPlaying(Device device) throws InterruptedException {
    device.player.play(DEMO_TRACK);
    await("PLAYING", () -> device.player.state() == Player.State.PLAYING);
    await("session", () -> device.session.session() != null);
  }

  private static void awaitSocket(Device device) throws InterruptedException {
    await("events socket", device.session::isEventsSocketOpen);
  }

  @Test
  void secondDevice_takesOver_firstPausesBySocket() throws Exception {
    Device a = new Device(DEVICE_A, true);
    Device b = new Device(DEVICE_B, true);
    startPlaying(a);
    awaitSocket(a);
    String sessionA = a.session.session().sessionId();

    startPlaying(b);
    await("A superseded", () -> a.events.supersededCount() == 1);
    await("A paused", () -> a.player.state() == Player.State.PAUSED);

    assertThat(a.events.supersededBy).containsExactly(DEVICE_B);
    assertThat(a.events.superseded.get(0).reason())
        .isEqualTo(PlaybackException.ERROR_SESSION_SUPERSEDED);
    assertThat(a.session.session()).isNull();
    assertThat(b.player.state()).isEqualTo(Player.State.PLAYING);
    assertThat(b.events.supersededCount()).isZero();
    assertThat(b.session.heartbeat().sessionId()).isEqualTo(b.session.session().sessionId());
    assertThat(fixture.server.sessions().current("u-premium").get().deviceId())
        .isEqualTo(DEVICE_B);
    assertThat(
            fixture.send("POST", "/v1/sessions/" + sessionA + "/heartbeat", fixture.premium, null)
                .status())
        .isEqualTo(409);
  }

  @Test
  void pausedDevice_resumes_takesSessionBack() throws Exception {
    Device a = new Device(DEVICE_A, true);
    Device b = new Device(DEVICE_B, true);
    startPlaying(a);
    startPlaying(b);
    await("A paused", () -> a.player.state() == Player.State.PAUSED);
    awaitSocket(b);

    a.player.resume();
    await("A playing", () -> a.player.state() == Player.State.PLAYING);
    await("B superseded", () -> b.events.supersededCount() == 1);
    await("B paused", () -> b.player.state() == Player.State.PAUSED);

    assertThat(b.events.supersededBy).containsExactly(DEVICE_A);
    await("A holds the session", () -> a.session.session() != null);
    assertThat(fixture.server.sessions().current("u-premium").get().deviceId())
        .isEqualTo(DEVICE_A);
  }

  @Test
  void socketDown_heartbeatConflict_pausesFirstDevice() throws Exception {
    Device a = new Device(DEVICE_A, false);
    Device b = new Device(DEVICE_B, true);
    startPlaying(a);
    startPlaying(b);

    assertThat(a.player.state()).isEqualTo(Player.State.PLAYING);
    assertThatThrownBy(a.session::heartbeat)
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.serverCode()).isEqualTo("SESSION_SUPERSEDED");
            });
    await("A paused", () -> a.player.state() == Player.State.PAUSED);

    assertThat(a.events.supersededBy).containsExactly((String) null);
    assertThat(b.player.state()).isEqualTo(Player.State.PLAYING);
  }

  @Test
  void scheduledHeartbeat_afterTakeover_pausesFirstDevice() throws Exception {
    Device a = new Device(DEVICE_A, false);
    startPlaying(a);
    fixture.start(fixture.premium, DEVICE_B);

    scheduler.advanceMs(SessionFixture.TIMEOUT.toMillis() / 3);
    await("A paused", () -> a.player.state() == Player.State.PAUSED);

    assertThat(a.events.supersededCount()).isEqualTo(1);
  }

  @Test
  void expiredSession_heartbeat_startsNewSessionWithoutPausing() throws Exception {
    Device a = new Device(DEVICE_A, true);
    startPlaying(a);
    String expired = a.session.session().sessionId();
    fixture.clock.advance(SessionFixture.TIMEOUT.plus(Duration.ofSeconds(1)));

    SessionInfo renewed = a.session.heartbeat();

    assertThat(renewed.sessionId()).isNotEqualTo(expired);
    assertThat(a.session.session().sessionId()).isEqualTo(renewed.sessionId());
    assertThat(a.player.state()).isEqualTo(Player.State.PLAYING);
    assertThat(a.events.supersededCount()).isZero();
  }

  @Test
  void otherAccountDevice_start_throwsForbidden() throws Exception {
    TonearmClient free = TonearmClient.builder().setBaseUrl(fixture.server.apiUrl()).build();
    free.login(ReferenceServer.DEMO_FREE_USERNAME, ReferenceServer.DEMO_FREE_PASSWORD);
    try (PlaybackSessionClient session =
        PlaybackSessionClient.builder()
            .setClient(free)
            .setDeviceId(DEVICE_A)
            .setScheduler(scheduler)
            .build()) {
      assertThatThrownBy(session::start)
          .isInstanceOfSatisfying(
              PlaybackException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_FORBIDDEN);
                assertThat(e.serverCode()).isEqualTo("DEVICE_NOT_OWNED");
              });
      assertThat(session.session()).isNull();
    } finally {
      free.httpClient().dispatcher().executorService().shutdown();
      free.httpClient().connectionPool().evictAll();
    }
  }
}
