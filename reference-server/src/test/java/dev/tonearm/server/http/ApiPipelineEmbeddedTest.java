package dev.tonearm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.api.ApiDispatcher;
import dev.tonearm.server.api.ApiHandler;
import dev.tonearm.server.api.AuthRoutes;
import dev.tonearm.server.api.Router;
import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.JsonFileAccountRepository;
import dev.tonearm.server.auth.PasswordHasher;
import dev.tonearm.server.auth.Tier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API pipeline ({@code HttpServerCodec -> RequestCollector -> ApiHandler}) in an {@link
 * EmbeddedChannel}, with a direct executor so everything runs on the test thread. A client codec
 * in a second channel encodes requests and decodes responses, and every buffer is released.
 */
@ExtendWith(NoLeaks.class)
class ApiPipelineEmbeddedTest {
  @TempDir Path tempDir;
  private ApiDispatcher dispatcher;

  @BeforeEach
  void createDispatcher() throws Exception {
    AuthService auth =
        new AuthService(
            new JsonFileAccountRepository(tempDir.resolve("accounts.json")),
            new PasswordHasher(1_000, new SecureRandom()),
            Clock.systemUTC(),
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            new SecureRandom());
    auth.ensureAccount("u-1", "user@example.test", "secret", Tier.FREE);
    Router.Builder routes = Router.builder();
    AuthRoutes.register(routes, auth);
    dispatcher = new ApiDispatcher(routes.build(), auth);
  }

  private EmbeddedChannel serverChannel(int maxBodyBytes) {
    return new EmbeddedChannel(
        new HttpServerCodec(),
        new RequestCollector(maxBodyBytes),
        new ApiHandler(dispatcher, Runnable::run, new InFlightTracker()));
  }

  /** Sends {@code request} through {@code server} and returns the decoded response. */
  private static FullHttpResponse exchange(EmbeddedChannel server, FullHttpRequest request) {
    EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
    try {
      client.writeOutbound(request);
      for (ByteBuf encoded = client.readOutbound(); encoded != null; encoded = client.readOutbound()) {
        server.writeInbound(encoded);
      }
      server.runPendingTasks();
      for (ByteBuf reply = server.readOutbound(); reply != null; reply = server.readOutbound()) {
        client.writeInbound(reply);
      }
      return client.readInbound();
    } finally {
      client.finishAndReleaseAll();
    }
  }

  private static FullHttpRequest login(String json) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/v1/auth/login",
            Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    HttpUtil.setContentLength(request, request.content().readableBytes());
    return request;
  }

  private static JsonNode bodyOf(FullHttpResponse response) throws Exception {
    try {
      return Json.MAPPER.readTree(response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  @Test
  void validLogin_returnsTokens() throws Exception {
    EmbeddedChannel server = serverChannel(1024);

    FullHttpResponse response =
        exchange(server, login("{\"username\":\"user@example.test\",\"password\":\"secret\"}"));

    assertThat(response.status().code()).isEqualTo(200);
    JsonNode body = bodyOf(response);
    assertThat(body.get("accessToken").asText()).hasSize(43);
    assertThat(body.get("tier").asText()).isEqualTo("free");
    assertThat(server.finishAndReleaseAll()).isFalse();
  }

  @Test
  void malformedJson_returnsInvalidJson() throws Exception {
    EmbeddedChannel server = serverChannel(1024);

    FullHttpResponse response = exchange(server, login("{\"username\""));

    assertThat(response.status().code()).isEqualTo(400);
    assertThat(bodyOf(response).at("/error/code").asText()).isEqualTo("INVALID_JSON");
    assertThat(server.isOpen()).isTrue();
    server.finishAndReleaseAll();
  }

  @Test
  void bodyOverLimit_returns413AndCloses() throws Exception {
    EmbeddedChannel server = serverChannel(8);

    FullHttpResponse response =
        exchange(server, login("{\"username\":\"user@example.test\",\"password\":\"secret\"}"));

    assertThat(response.status().code()).isEqualTo(413);
    assertThat(bodyOf(response).at("/error/code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(server.isOpen()).isFalse();
    server.finishAndReleaseAll();
  }

  @Test
  void idleEvent_withoutRequestInProgress_closesConnection() {
    EmbeddedChannel server = serverChannel(1024);

    server.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

    assertThat(server.isOpen()).isFalse();
    server.finishAndReleaseAll();
  }
}
