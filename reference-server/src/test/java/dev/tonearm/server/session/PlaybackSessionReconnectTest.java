package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.Scheduler;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.session.PlaybackSessionClient;
import dev.tonearm.core.source.ExponentialBackoff;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.sync.TcpProxy;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.FakeScheduler;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's session client against the real server, with its events socket running through a
 * loopback {@link TcpProxy} that the test takes offline to drop the socket. Heartbeats and
 * reconnects are timed by a {@link FakeScheduler}, so a reconnect happens only when the test
 * advances it, and the backoff's jitter is fixed so that its delays are known.
 */
@ExtendWith(NoLeaks.class)
class PlaybackSessionReconnectTest {
  private static final long WAIT_MS = 15_000;

  /** Backoff bounds: ceilings 1000, 2000 and 4000 ms, of which the fixed jitter takes half. */
  private static final long BASE_DELAY_MS = 1_000;

  private static final long MAX_DELAY_MS = 4_000;

  /** Heartbeat interval of the fixture's 30 s timeout, which no reconnect delay equals. */
  private static final long HEARTBEAT_DELAY_MS =
      SessionFixture.TIMEOUT.toMillis() / PlaybackSessionClient.HEARTBEATS_PER_TIMEOUT;

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private TcpProxy proxy;
  private TonearmClient client;
  private PlaybackSessionClient session;
  private final FakeScheduler fakeScheduler = new FakeScheduler(new FakeClock(0));
  private final List<Long> reconnectDelaysMs = new ArrayList<>();
  private final List<String> supersededBy = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fixture = new SessionFixture(TestServers.builder(tempDir).seedDemo(false));
    proxy = new TcpProxy(URI.create(fixture.server.sessionEventsUrl()).getPort());
    client = TonearmClient.builder().setBaseUrl(fixture.server.apiUrl()).build();
    client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    session =
        PlaybackSessionClient.builder()
            .setClient(client)
            .setDeviceId(DEVICE_A)
            .setEventsUrl("ws://127.0.0.1:" + proxy.port() + SessionEventsEndpoint.PATH)
            .setScheduler(this::scheduleRecorded)
            .setBackoff(new ExponentialBackoff(BASE_DELAY_MS, MAX_DELAY_MS, new HalfRandom()))
            .build();
    session.addListener(
        new PlaybackSessionClient.Listener() {
          @Override
          public void onSuperseded(String sessionId, String byDeviceId, PlaybackException reason) {
            synchronized (supersededBy) {
              supersededBy.add(byDeviceId);
            }
          }
        });
  }

  @AfterEach
  void stop() {
    session.close();
    client.httpClient().dispatcher().executorService().shutdown();
    client.httpClient().connectionPool().evictAll();
    proxy.close();
    fixture.server.close();
  }

  /** Jitter that always draws the middle of the range, so each delay is half its ceiling. */
  private static final class HalfRandom extends Random {
    private static final long serialVersionUID = 1L;

    @Override
    public double nextDouble() {
      return 0.5;
    }
  }

  /** Schedules on the fake scheduler and records every delay other than the heartbeat's. */
  private Scheduler.Cancellable scheduleRecorded(Runnable task, long delayMs) {
    if (delayMs != HEARTBEAT_DELAY_MS) {
      synchronized (reconnectDelaysMs) {
        reconnectDelaysMs.add(delayMs);
      }
    }
    return fakeScheduler.schedule(task, delayMs);
  }

  private List<Long> reconnectDelaysMs() {
    synchronized (reconnectDelaysMs) {
      return new ArrayList<>(reconnectDelaysMs);
    }
  }

  private int supersededCount() {
    synchronized (supersededBy) {
      return supersededBy.size();
    }
  }

  /** Waits for a condition that OkHttp's or the server's threads make true. */
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

  private void awaitRegistered() throws InterruptedException {
    await("socket open", session::isEventsSocketOpen);
    await(
        "socket registered on the server",
        () -> fixture.server.sessionEvents().connectionCount(DEVICE_A) == 1);
  }

  private void dropSocket(int expectedDelays) throws InterruptedException {
    proxy.goOffline();
    await("socket closed", () -> !session.isEventsSocketOpen());
    await(
        "socket unregistered on the server",
        () -> fixture.server.sessionEvents().connectionCount(DEVICE_A) == 0);
    await(
        "reconnect " + expectedDelays + " scheduled",
        () -> reconnectDelaysMs().size() == expectedDelays);
  }

  @Test
  void droppedSocket_reconnectsAfterBackoff() throws Exception {
    session.start();
    awaitRegistered();

    dropSocket(1);
    int acceptedBefore = proxy.acceptedCount();
    fakeScheduler.advanceMs(500);
    await("second failed attempt", () -> reconnectDelaysMs().size() == 2);
    fakeScheduler.advanceMs(1_000);
    await("third failed attempt", () -> reconnectDelaysMs().size() == 3);
    int failedAttempts = proxy.acceptedCount() - acceptedBefore;
    proxy.goOnline();
    fakeScheduler.advanceMs(1_999);
    boolean openBeforeDelay = session.isEventsSocketOpen();
    fakeScheduler.advanceMs(1);
    awaitRegistered();

    assertThat(reconnectDelaysMs()).containsExactly(500L, 1_000L, 2_000L);
    assertThat(failedAttempts).isEqualTo(2);
    assertThat(openBeforeDelay).isFalse();

    dropSocket(4);
    proxy.goOnline();
    fakeScheduler.advanceMs(500);
    awaitRegistered();
    fixture.start(fixture.premium, DEVICE_B);
    await("takeover notice", () -> supersededCount() == 1);

    assertThat(reconnectDelaysMs()).as("delay after a successful open").endsWith(500L);
    assertThat(supersededBy).as("device named by the socket message").containsExactly(DEVICE_B);
    assertThat(session.session()).isNull();
  }

  @Test
  void close_whileReconnectPending_stopsReconnecting() throws Exception {
    session.start();
    awaitRegistered();
    dropSocket(1);
    proxy.goOnline();

    session.close();
    int acceptedAfterClose = proxy.acceptedCount();
    fakeScheduler.advanceMs(10 * MAX_DELAY_MS);

    assertThat(fakeScheduler.pendingCount()).isZero();
    assertThat(reconnectDelaysMs()).containsExactly(500L);
    assertThat(proxy.acceptedCount()).isEqualTo(acceptedAfterClose);
    assertThat(session.isEventsSocketOpen()).isFalse();
    assertThat(fixture.server.sessionEvents().connectionCount(DEVICE_A)).isZero();
  }

  @Test
  void close_withOpenSocket_doesNotReconnect() throws Exception {
    session.start();
    awaitRegistered();

    session.close();
    await(
        "socket unregistered on the server",
        () -> fixture.server.sessionEvents().connectionCount(DEVICE_A) == 0);
    fakeScheduler.advanceMs(10 * MAX_DELAY_MS);

    assertThat(reconnectDelaysMs()).isEmpty();
    assertThat(fakeScheduler.pendingCount()).isZero();
  }
}
