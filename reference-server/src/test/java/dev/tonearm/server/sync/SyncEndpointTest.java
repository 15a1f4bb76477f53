package dev.tonearm.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.protocol.SyncProtocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
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
import org.junit.jupiter.api.io.TempDir;

class SyncEndpointTest {
  @TempDir Path directory;
  private SyncService service;
  private SyncEndpoint endpoint;
  private final OkHttpClient http = new OkHttpClient();

  @BeforeEach
  void start() throws Exception {
    service =
        SyncService.builder(directory)
            .clock(Clock.systemUTC())
            .limits(SyncLimits.builder().maxMessageBytes(4096).build())
            .open();
    endpoint =
        SyncEndpoint.builder(
                service, token -> token.equals("good") ? Optional.of("alice") : Optional.empty())
            .executorThreads(1)
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close();
    service.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  // Upgrade handler in an EmbeddedChannel.

  @Test
  void otherPath_passesThroughUnchanged() {
    List<Object> passed = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(endpoint.newUpgradeHandler(), capture(passed));
    FullHttpRequest request = request("/v1/tracks", null);

    channel.writeInbound(request);

    assertThat(passed).containsExactly(request);
    assertThat(request.refCnt()).isEqualTo(1);
    request.release();
    assertThat((Object) channel.readOutbound()).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void upgradeWithoutToken_gets401AndReleasesRequest() {
    EmbeddedChannel channel = new EmbeddedChannel(endpoint.newUpgradeHandler());
    FullHttpRequest request = request(SyncProtocol.DEFAULT_PATH, null);

    channel.writeInbound(request);

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer");
    assertThat(response.content().toString(StandardCharsets.UTF_8))
        .contains("\"code\":\"UNAUTHORIZED\"")
        .contains("missing bearer token");
    assertThat(request.refCnt()).isZero();
    assertThat(channel.isOpen()).isFalse();
    response.release();
  }

  @Test
  void upgradeWithInvalidToken_gets401() {
    EmbeddedChannel channel = new EmbeddedChannel(endpoint.newUpgradeHandler());

    channel.writeInbound(request(SyncProtocol.DEFAULT_PATH, "Bearer bad"));

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(response.content().toString(StandardCharsets.UTF_8))
        .contains("invalid or expired access token");
    response.release();
  }

  @Test
  void plainRequestToSyncPath_gets400() {
    EmbeddedChannel channel = new EmbeddedChannel(endpoint.newUpgradeHandler());
    FullHttpRequest request = request(SyncProtocol.DEFAULT_PATH, "Bearer good");

    channel.writeInbound(request);

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    assertThat(request.refCnt()).isZero();
    response.release();
  }

  // Real WebSockets on loopback.

  @Test
  void validToken_helloThenBinaryFrameRejected() throws Exception {
    try (SyncServer server = startServer()) {
      Recorder recorder = new Recorder();
      WebSocket socket = http.newWebSocket(upgrade(server, "good"), recorder);

      String hello = recorder.messages.poll(10, TimeUnit.SECONDS);
      assertThat(hello).contains("\"type\":\"hello\"").contains("\"userId\":\"alice\"");
      socket.send(ByteString.encodeUtf8("{}"));
      String error = recorder.messages.poll(10, TimeUnit.SECONDS);
      assertThat(error).contains("\"code\":\"PROTOCOL_ERROR\"");
      socket.close(1000, null);
    }
  }

  @Test
  void invalidToken_handshakeFailsWith401() throws Exception {
    try (SyncServer server = startServer()) {
      Recorder recorder = new Recorder();
      http.newWebSocket(upgrade(server, "bad"), recorder);

      assertThat(recorder.failureCodes.poll(10, TimeUnit.SECONDS)).isEqualTo(401);
    }
  }

  @Test
  void messageAboveLimit_closesConnection() throws Exception {
    try (SyncServer server = startServer()) {
      Recorder recorder = new Recorder();
      WebSocket socket = http.newWebSocket(upgrade(server, "good"), recorder);
      assertThat(recorder.messages.poll(10, TimeUnit.SECONDS)).contains("hello");

      socket.send("x".repeat(5000));

      assertThat(recorder.closeCodes.poll(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
  }

  @Test
  void otherPath_gets404() throws Exception {
    try (SyncServer server = startServer()) {
      Request request =
          new Request.Builder().url("http://127.0.0.1:" + server.port() + "/v1/other").build();
      try (Response response = http.newCall(request).execute()) {
        assertThat(response.code()).isEqualTo(404);
      }
    }
  }

  private SyncServer startServer() throws InterruptedException {
    return SyncServer.start(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private static Request upgrade(SyncServer server, String token) {
    return new Request.Builder()
        .url(server.uri().toString())
        .header("Authorization", "Bearer " + token)
        .build();
  }

  private static FullHttpRequest request(String path, String authorization) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    if (authorization != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return request;
  }

  private static ChannelInboundHandlerAdapter capture(List<Object> passed) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passed.add(msg);
      }
    };
  }

  /** Collects WebSocket events for the test thread. */
  private static final class Recorder extends WebSocketListener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> failureCodes = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      messages.add(text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closeCodes.add(code);
      webSocket.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      failureCodes.add(response == null ? -1 : response.code());
    }
  }
}
