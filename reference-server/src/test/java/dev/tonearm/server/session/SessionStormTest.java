package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import dev.tonearm.server.http.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent starts on every device of one account, one thread per device, released together by
 * a barrier. The server's real {@link SessionService} and device registry serve them. Superseded
 * notices are recorded by a listener on the service and by one events socket per device, opened
 * with OkHttp over loopback.
 */
@ExtendWith(NoLeaks.class)
class SessionStormTest {
  private static final int ROUNDS = 50;
  private static final long WAIT_S = 30;

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private ExecutorService threads;
  private OkHttpClient http;
  private final List<String> deviceIds = new ArrayList<>();
  private final Map<String, BlockingQueue<String>> messagesByDevice = new HashMap<>();

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
    http = new OkHttpClient();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(WAIT_S, TimeUnit.SECONDS);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    fixture.server.close();
  }

  @Test
  void concurrentStarts_leaveOneHolder() throws Exception {
    SessionService sessions = fixture.server.sessions();
    List<Notice> notices = new CopyOnWriteArrayList<>();
    sessions.addSupersededListener(
        (superseded, replacement) ->
            notices.add(
                new Notice(
                    superseded.deviceId(), superseded.sessionId(), replacement.deviceId())));

    Map<String, WebSocket> sockets = new HashMap<>();
    for (String deviceId : deviceIds) {
      sockets.put(deviceId, openSocket(deviceId));
    }

    for (int round = 0; round < ROUNDS; round++) {
      notices.clear();
      Map<String, String> sessionByDevice = startAllAtOnce(sessions);

      PlaybackSession holder = sessions.current("u-premium").orElseThrow();
      Set<String> losers = new HashSet<>(deviceIds);
      losers.remove(holder.deviceId());
      Set<String> notifiedDevices = new HashSet<>();
      for (Notice notice : notices) {
        notifiedDevices.add(notice.deviceId());
        assertThat(notice.sessionId())
            .as("round %d: session in the notice to %s", round, notice.deviceId())
            .isEqualTo(sessionByDevice.get(notice.deviceId()));
      }

      assertThat(holder.sessionId())
          .as("round %d: holder's session", round)
          .isEqualTo(sessionByDevice.get(holder.deviceId()));
      assertThat(notices).as("round %d: notices", round).hasSize(losers.size());
      assertThat(notifiedDevices).as("round %d: notified devices", round).isEqualTo(losers);
      for (String loser : losers) {
        assertThatThrownBy(() -> sessions.heartbeat("u-premium", sessionByDevice.get(loser)))
            .as("round %d: heartbeat of %s", round, loser)
            .isInstanceOfSatisfying(
                SessionException.class,
                e -> assertThat(e.reason()).isEqualTo(SessionException.Reason.SESSION_SUPERSEDED));
      }
      for (String loser : losers) {
        JsonNode message = nextMessage(loser);
        assertThat(message.path("type").asText())
            .as("round %d: message to %s", round, loser)
            .isEqualTo("superseded");
        assertThat(message.path("sessionId").asText())
            .as("round %d: session in the message to %s", round, loser)
            .isEqualTo(sessionByDevice.get(loser));
      }
      // Every notice was queued before these pings were sent, so a pong as the next message means
      // that no device received a second notice in this round.
      for (String deviceId : deviceIds) {
        sockets.get(deviceId).send("{\"type\":\"ping\"}");
        assertThat(nextMessage(deviceId).path("type").asText())
            .as("round %d: message to %s after the notices", round, deviceId)
            .isEqualTo("pong");
      }
      sessions.end("u-premium", holder.sessionId());
    }
  }

  /** Opens the events socket of {@code deviceId} and waits until the server registered it. */
  private WebSocket openSocket(String deviceId) throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    messagesByDevice.put(deviceId, messages);
    String url = fixture.server.sessionEventsUrl().replaceFirst("^ws:", "http:");
    Request request =
        new Request.Builder()
            .url(url + "?deviceId=" + deviceId)
            .header("Authorization", fixture.premium.bearer())
            .build();
    WebSocket socket =
        http.newWebSocket(
            request,
            new WebSocketListener() {
              @Override
              public void onMessage(WebSocket webSocket, String text) {
                messages.add(text);
              }
            });
    // A pong arrives only after the handshake completed and the socket was registered.
    socket.send("{\"type\":\"ping\"}");
    assertThat(nextMessage(deviceId).path("type").asText()).isEqualTo("pong");
    return socket;
  }

  private JsonNode nextMessage(String deviceId) throws Exception {
    String text = messagesByDevice.get(deviceId).poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(text).as("message to %s within %d s", deviceId, WAIT_S).isNotNull();
    return Json.MAPPER.readTree(text);
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
