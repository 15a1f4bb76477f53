package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static dev.tonearm.server.session.SessionFixture.FREE_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.RawWebSocket;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session events WebSocket on the sync listener, driven by OkHttp's WebSocket client over
 * loopback: the takeover notice, the upgrade checks, and the typed errors for invalid messages.
 */
@ExtendWith(NoLeaks.class)
class SessionEventsTest {
  private static final long WAIT_S = 10;

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private OkHttpClient http;

  @BeforeEach
  void startServer() throws Exception {
    fixture = new SessionFixture(TestServers.builder(tempDir).seedDemo(false));
    http = new OkHttpClient();
  }

  @AfterEach
  void stopServer() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    fixture.server.close();
  }

  /** Records what one socket receives. */
  private static final class Recorder extends WebSocketListener {
    final CompletableFuture<Response> opened = new CompletableFuture<>();
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closedCode = new CompletableFuture<>();
    final CompletableFuture<Response> failedResponse = new CompletableFuture<>();
    final CompletableFuture<String> failedBody = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      opened.complete(response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      messages.add(text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closedCode.complete(code);
      webSocket.close(code, null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      // OkHttp closes the response after this callback returns, so the body is read here.
      try {
        failedBody.complete(response == null ? null : response.body().string());
      } catch (IOException | RuntimeException e) {
        failedBody.completeExceptionally(e);
      }
      failedResponse.complete(response);
      closedCode.completeExceptionally(error);
    }

    JsonNode nextMessage() throws Exception {
      String text = messages.poll(WAIT_S, TimeUnit.SECONDS);
      assertThat(text).as("message within %d s", WAIT_S).isNotNull();
      return Json.MAPPER.readTree(text);
    }
  }

  private void startDirectly(String accountId, String deviceId) {
    try {
      fixture.server.sessions().start(accountId, deviceId);
    } catch (SessionException e) {
      throw new AssertionError("start on " + deviceId + " failed", e);
    }
  }

  /** Waits for a condition that the server's event loop makes true. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT_S + " s waiting for " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private WebSocket connect(Tokens caller, String deviceId, Recorder recorder) {
    String url = fixture.server.sessionEventsUrl().replaceFirst("^ws:", "http:");
    Request.Builder request =
        new Request.Builder().url(deviceId == null ? url : url + "?deviceId=" + deviceId);
    if (caller != null) {
      request.header("Authorization", caller.bearer());
    }
    return http.newWebSocket(request.build(), recorder);
  }

  /**
   * Opens a socket for {@code deviceId} and waits for a pong, which the server sends only after
   * the handshake completed and the socket was registered for takeover notices.
   */
  private Recorder openSocket(String deviceId) throws Exception {
    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, deviceId, recorder);
    recorder.opened.get(WAIT_S, TimeUnit.SECONDS);
    socket.send("{\"type\":\"ping\"}");
    assertThat(recorder.nextMessage().get("type").asText()).isEqualTo("pong");
    return recorder;
  }

  @Test
  void takeover_sendsSupersededToPreviousDevice() throws Exception {
    Recorder socketA = openSocket(DEVICE_A);
    Recorder socketB = openSocket(DEVICE_B);
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.premium, DEVICE_B);

    JsonNode message = socketA.nextMessage();

    assertThat(message.get("type").asText()).isEqualTo("superseded");
    assertThat(message.get("sessionId").asText()).isEqualTo(sessionA);
    assertThat(message.get("byDeviceId").asText()).isEqualTo(DEVICE_B);
    assertThat(socketB.messages).isEmpty();
  }

  @Test
  void takeoverBeforeRegistration_sendsSupersededOnRegister() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    // The hook runs on the event loop after the handshake response went out and before the
    // connection registers: a takeover in this window finds no connection to notify.
    fixture
        .server
        .sessionEvents()
        .setBeforeRegisterHook(
            (accountId, deviceId) -> {
              if (deviceId.equals(DEVICE_A)) {
                startDirectly(accountId, DEVICE_B);
              }
            });
    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);

    JsonNode message = recorder.nextMessage();
    socket.send("{\"type\":\"ping\"}");
    JsonNode next = recorder.nextMessage();

    assertThat(message.get("type").asText()).isEqualTo("superseded");
    assertThat(message.get("sessionId").asText()).isEqualTo(sessionA);
    assertThat(message.get("byDeviceId").asText()).isEqualTo(DEVICE_B);
    assertThat(next.get("type").asText()).as("message after the notice").isEqualTo("pong");
  }

  @Test
  void registration_afterTakeover_sendsSupersededOnce() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.premium, DEVICE_B);

    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);
    JsonNode message = recorder.nextMessage();
    fixture.start(fixture.premium, DEVICE_B);
    socket.send("{\"type\":\"ping\"}");

    assertThat(message.get("type").asText()).isEqualTo("superseded");
    assertThat(message.get("sessionId").asText()).isEqualTo(sessionA);
    assertThat(recorder.nextMessage().get("type").asText()).isEqualTo("pong");
  }

  @Test
  void registration_ofHolder_sendsNothing() throws Exception {
    fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.premium, DEVICE_B);
    fixture.start(fixture.premium, DEVICE_A);

    Recorder recorder = openSocket(DEVICE_A);

    assertThat(recorder.messages).isEmpty();
  }

  @Test
  void expiredSession_takenOver_sendsSuperseded() throws Exception {
    Recorder socketA = openSocket(DEVICE_A);
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(SessionFixture.TIMEOUT.plusSeconds(1));
    fixture.start(fixture.premium, DEVICE_B);

    JsonNode message = socketA.nextMessage();
    RawHttp.Response heartbeatA =
        fixture.send("POST", "/v1/sessions/" + sessionA + "/heartbeat", fixture.premium, null);

    assertThat(message.get("type").asText()).isEqualTo("superseded");
    assertThat(message.get("sessionId").asText()).isEqualTo(sessionA);
    assertThat(message.get("byDeviceId").asText()).isEqualTo(DEVICE_B);
    assertThat(heartbeatA.status()).isEqualTo(409);
    assertThat(SessionFixture.errorCode(heartbeatA)).isEqualTo("SESSION_SUPERSEDED");
  }

  @Test
  void connectionsAboveLimit_closeOldest() throws Exception {
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i <= SessionEventsEndpoint.MAX_CONNECTIONS_PER_DEVICE; i++) {
      recorders.add(openSocket(DEVICE_A));
    }

    int oldestCloseCode = recorders.get(0).closedCode.get(WAIT_S, TimeUnit.SECONDS);

    assertThat(oldestCloseCode).isEqualTo(1008);
    await(
        "open connections at the limit",
        () ->
            fixture.server.sessionEvents().connectionCount(DEVICE_A)
                == SessionEventsEndpoint.MAX_CONNECTIONS_PER_DEVICE);
    for (Recorder recorder : recorders.subList(1, recorders.size())) {
      assertThat(recorder.closedCode).isNotDone();
    }
  }

  @Test
  void ping_getsPong() throws Exception {
    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);
    recorder.opened.get(WAIT_S, TimeUnit.SECONDS);

    socket.send("{\"type\":\"ping\"}");

    assertThat(recorder.nextMessage().get("type").asText()).isEqualTo("pong");
  }

  @Test
  void invalidMessages_getTypedErrorAndClose() throws Exception {
    Object[][] cases = {
      {"not json", "PROTOCOL_ERROR", 1008},
      {"[1,2]", "PROTOCOL_ERROR", 1008},
      {"{\"type\":7}", "PROTOCOL_ERROR", 1008},
      {"{\"kind\":\"ping\"}", "PROTOCOL_ERROR", 1008},
      {"{\"type\":\"play\"}", "PROTOCOL_ERROR", 1008},
      {"{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}", "MESSAGE_TOO_LARGE", 1009},
    };
    for (Object[] testCase : cases) {
      Recorder recorder = new Recorder();
      WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);
      recorder.opened.get(WAIT_S, TimeUnit.SECONDS);

      socket.send((String) testCase[0]);

      JsonNode error = recorder.nextMessage();
      String label = ((String) testCase[0]).substring(0, Math.min(20, ((String) testCase[0]).length()));
      assertThat(error.get("type").asText()).as(label).isEqualTo("error");
      assertThat(error.get("code").asText()).as(label).isEqualTo(testCase[1]);
      assertThat(error.get("message").asText()).as(label).isNotEmpty();
      assertThat(recorder.closedCode.get(WAIT_S, TimeUnit.SECONDS)).as(label).isEqualTo(testCase[2]);
    }
  }

  @Test
  void binaryMessage_getsUnsupportedFrameAndClose() throws Exception {
    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);
    recorder.opened.get(WAIT_S, TimeUnit.SECONDS);

    socket.send(ByteString.of(new byte[] {1, 2, 3}));

    assertThat(recorder.nextMessage().get("code").asText()).isEqualTo("UNSUPPORTED_FRAME");
    assertThat(recorder.closedCode.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1003);
  }

  @Test
  void frameOverLimit_isClosedBeforeParsing() throws Exception {
    URI events = URI.create(fixture.server.sessionEventsUrl());
    try (RawWebSocket socket =
        RawWebSocket.connect(events.getPort(), (int) TimeUnit.SECONDS.toMillis(WAIT_S))) {
      String status =
          socket.upgrade(
              events.getPath() + "?deviceId=" + DEVICE_A,
              Map.of("Authorization", fixture.premium.bearer()));
      assertThat(status).startsWith("HTTP/1.1 101");

      // Only the header of a 1 MiB frame is sent: the server must reject it from the header.
      socket.writeTextFrameHeader(1024 * 1024);
      List<RawWebSocket.Frame> frames = socket.readUntilClosed();

      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).opcode()).isEqualTo(8);
      assertThat(frames.get(0).closeStatus()).isEqualTo(1009);
    }
  }

  @Test
  void upgrade_expiredToken_getsTokenExpired() throws Exception {
    fixture.clock.advance(AuthService.DEFAULT_ACCESS_TOKEN_TTL.plusSeconds(1));
    Recorder recorder = new Recorder();
    connect(fixture.premium, DEVICE_A, recorder);

    Response response = recorder.failedResponse.get(WAIT_S, TimeUnit.SECONDS);

    assertThat(response).isNotNull();
    assertThat(response.code()).isEqualTo(401);
    JsonNode body = Json.MAPPER.readTree(recorder.failedBody.get(WAIT_S, TimeUnit.SECONDS));
    assertThat(body.path("error").path("code").asText()).isEqualTo("TOKEN_EXPIRED");
  }

  @Test
  void upgrade_rejectsBadCallers() throws Exception {
    Object[][] cases = {
      {null, DEVICE_A, 401},
      {fixture.premium, null, 400},
      {fixture.premium, "d-nobody", 404},
      {fixture.premium, FREE_DEVICE, 403},
    };
    for (Object[] testCase : cases) {
      Recorder recorder = new Recorder();
      connect((Tokens) testCase[0], (String) testCase[1], recorder);

      Response response = recorder.failedResponse.get(WAIT_S, TimeUnit.SECONDS);

      assertThat(response).as("response for device %s", testCase[1]).isNotNull();
      assertThat(response.code()).as("status for device %s", testCase[1]).isEqualTo(testCase[2]);
    }
  }
}
