package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static dev.tonearm.server.session.SessionFixture.FREE_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.Tokens;
import dev.tonearm.server.http.Json;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
      failedResponse.complete(response);
      closedCode.completeExceptionally(error);
    }

    JsonNode nextMessage() throws Exception {
      String text = messages.poll(WAIT_S, TimeUnit.SECONDS);
      assertThat(text).as("message within %d s", WAIT_S).isNotNull();
      return Json.MAPPER.readTree(text);
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
    Recorder recorder = new Recorder();
    WebSocket socket = connect(fixture.premium, DEVICE_A, recorder);
    recorder.opened.get(WAIT_S, TimeUnit.SECONDS);

    socket.send("x".repeat(1024 * 1024));

    assertThat(recorder.closedCode.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1009);
    assertThat(recorder.messages).isEmpty();
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
