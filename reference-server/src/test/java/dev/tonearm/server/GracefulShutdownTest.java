package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.api.ApiResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReferenceServer#close()} with a request in flight. */
@ExtendWith(NoLeaks.class)
class GracefulShutdownTest {
  @TempDir Path tempDir;

  @Test
  void close_withRequestInFlight_finishesResponseThenStops() throws Exception {
    AtomicReference<ReferenceServer> holder = new AtomicReference<>();
    CountDownLatch handlerEntered = new CountDownLatch(1);
    ReferenceServer server =
        TestServers.builder(tempDir)
            .seedDemo(false)
            .routes(
                routes ->
                    routes.open(
                        HttpMethod.GET,
                        "/v1/test/slow",
                        request -> {
                          handlerEntered.countDown();
                          // Respond only once close() has begun, so the request is in flight
                          // during shutdown.
                          holder.get().drainStarted().copy().orTimeout(10, TimeUnit.SECONDS).join();
                          return ApiResponse.ok(Map.of("done", true));
                        }))
            .build()
            .start();
    holder.set(server);
    String apiUrl = server.apiUrl();

    try (RawHttp http = new RawHttp(apiUrl)) {
      http.writeRequest("GET", "/v1/test/slow", Map.of(), null);
      assertThat(handlerEntered.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

      RawHttp.Response response = http.readResponse(false);
      closing.get(20, TimeUnit.SECONDS);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().get("done").asBoolean()).isTrue();
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(http.isClosedByServer()).isTrue();
    }
    assertThatThrownBy(() -> new RawHttp(apiUrl).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void close_isIdempotentAndReleasesPorts() throws Exception {
    ReferenceServer server = TestServers.builder(tempDir).seedDemo(false).build().start();
    String edgeUrl = server.edgeUrls().get(1);

    server.close();
    server.close();

    assertThatThrownBy(() -> new RawHttp(edgeUrl).close()).isInstanceOf(IOException.class);
  }
}
