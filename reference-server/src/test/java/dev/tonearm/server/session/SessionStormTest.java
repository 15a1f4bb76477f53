package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent starts on every device of one account, one thread per device, released together by
 * a barrier. The server's real {@link SessionService} and device registry serve them; the
 * superseded notices are recorded by a listener on the service.
 */
@ExtendWith(NoLeaks.class)
class SessionStormTest {
  private static final int ROUNDS = 50;
  private static final long WAIT_S = 30;

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private ExecutorService threads;
  private final List<String> deviceIds = new ArrayList<>();

  /** One superseded notice: the device that lost its session, the session and the new holder. */
  private record Notice(String deviceId, String sessionId, String byDeviceId) {}

  @BeforeEach
  void startServer() throws Exception {
    fixture = new SessionFixture(TestServers.builder(tempDir).seedDemo(false));
    deviceIds.add(DEVICE_A);
    deviceIds.add(DEVICE_B);
    DeviceRegistry devices = fixture.server.devices();
    String publicKey = devices.find(DEVICE_A).orElseThrow().publicKey();
    while (deviceIds.size() < DeviceRegistry.DEFAULT_MAX_DEVICES_PER_ACCOUNT) {
      String deviceId = "d-session-storm-" + deviceIds.size();
      devices.register("u-premium", new RegisterDeviceRequest(deviceId, publicKey, deviceId));
      deviceIds.add(deviceId);
    }
    threads = Executors.newFixedThreadPool(deviceIds.size());
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(WAIT_S, TimeUnit.SECONDS);
    fixture.server.close();
  }

  @Test
  void concurrentStarts_leaveOneHolderAndTellEveryOtherDevice() throws Exception {
    SessionService sessions = fixture.server.sessions();
    List<Notice> notices = new CopyOnWriteArrayList<>();
    sessions.addSupersededListener(
        (superseded, replacement) ->
            notices.add(
                new Notice(
                    superseded.deviceId(), superseded.sessionId(), replacement.deviceId())));

    for (int round = 0; round < ROUNDS; round++) {
      notices.clear();
      Map<String, String> sessionByDevice = startAllAtOnce(sessions);

      PlaybackSession holder = sessions.current("u-premium").orElseThrow();
      Set<String> losers = new HashSet<>(deviceIds);
      losers.remove(holder.deviceId());
      Set<String> toldDevices = new HashSet<>();
      for (Notice notice : notices) {
        toldDevices.add(notice.deviceId());
        assertThat(notice.sessionId())
            .as("round %d: session in the notice to %s", round, notice.deviceId())
            .isEqualTo(sessionByDevice.get(notice.deviceId()));
      }

      assertThat(holder.sessionId())
          .as("round %d: holder's session", round)
          .isEqualTo(sessionByDevice.get(holder.deviceId()));
      assertThat(notices).as("round %d: notices", round).hasSize(losers.size());
      assertThat(toldDevices).as("round %d: told devices", round).isEqualTo(losers);
      for (String loser : losers) {
        assertThatThrownBy(() -> sessions.heartbeat("u-premium", sessionByDevice.get(loser)))
            .as("round %d: heartbeat of %s", round, loser)
            .isInstanceOfSatisfying(
                SessionException.class,
                e -> assertThat(e.reason()).isEqualTo(SessionException.Reason.SESSION_SUPERSEDED));
      }
      sessions.end("u-premium", holder.sessionId());
    }
  }

  /** Starts a session on every device at once and returns each device's session id. */
  private Map<String, String> startAllAtOnce(SessionService sessions) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(deviceIds.size());
    Map<String, Future<PlaybackSession>> futures = new HashMap<>();
    for (String deviceId : deviceIds) {
      futures.put(
          deviceId,
          threads.submit(
              () -> {
                barrier.await(WAIT_S, TimeUnit.SECONDS);
                return sessions.start("u-premium", deviceId);
              }));
    }
    Map<String, String> sessionByDevice = new HashMap<>();
    for (Map.Entry<String, Future<PlaybackSession>> entry : futures.entrySet()) {
      sessionByDevice.put(
          entry.getKey(), entry.getValue().get(WAIT_S, TimeUnit.SECONDS).sessionId());
    }
    return sessionByDevice;
  }
}
