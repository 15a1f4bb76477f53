package dev.tonearm.core.api;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tonearm.core.api.TonearmClientContractTest.TRACKS_EXAMPLE;
import static dev.tonearm.core.api.TonearmClientContractTest.error;
import static dev.tonearm.core.api.TonearmClientContractTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer-token interceptor: one silent refresh on 401, then {@link
 * PlaybackException#ERROR_AUTH_FAILED} on a second 401 or a rejected refresh token. Stub bodies
 * follow the contract's login and error shapes.
 */
class AuthRefreshTest {
  private WireMockServer server;
  private TonearmClient client;

  @BeforeEach
  void start() {
    server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    client = TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + server.port()).build();
    client.tokenStore().store(new AuthTokens("a-old", "r-old", 900, "u-premium", "premium"));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void expiredToken_refreshedOnceSilently_requestRepeated() throws Exception {
    server.stubFor(
        get("/v1/tracks")
            .withHeader("Authorization", equalTo("Bearer a-old"))
            .willReturn(json(401, error("TOKEN_EXPIRED", "access token expired"))));
    server.stubFor(
        get("/v1/tracks")
            .withHeader("Authorization", equalTo("Bearer a-new"))
            .willReturn(json(200, TRACKS_EXAMPLE)));
    stubRefresh("r-old", "a-new", "r-new");

    assertThat(client.tracks()).hasSize(1);

    server.verify(1, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
    server.verify(2, getRequestedFor(urlEqualTo("/v1/tracks")));
    assertThat(client.tokenStore().tokens().accessToken()).isEqualTo("a-new");
    assertThat(client.tokenStore().tokens().refreshToken()).as("refresh token rotates")
        .isEqualTo("r-new");
  }

  @Test
  void secondUnauthorized_failsAfterOneRefresh() throws Exception {
    server.stubFor(
        get("/v1/tracks").willReturn(json(401, error("UNAUTHORIZED", "no access"))));
    stubRefresh("r-old", "a-new", "r-new");

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.serverCode()).isEqualTo("UNAUTHORIZED");
              assertThat(e.getMessage()).doesNotContain("a-new", "r-new", "a-old", "r-old");
            });
    server.verify(1, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
    server.verify(2, getRequestedFor(urlEqualTo("/v1/tracks")));
  }

  @Test
  void refreshRejected_clearsSession() {
    server.stubFor(
        get("/v1/tracks").willReturn(json(401, error("TOKEN_EXPIRED", "access token expired"))));
    server.stubFor(
        post("/v1/auth/refresh").willReturn(json(401, error("UNAUTHORIZED", "bad refresh token"))));

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
              assertThat(e.getMessage()).doesNotContain("r-old");
            });
    server.verify(1, getRequestedFor(urlEqualTo("/v1/tracks")));
    assertThat(client.tokenStore().tokens()).isNull();
  }

  @Test
  void noSession_unauthorized_failsWithoutRefresh() {
    client.tokenStore().clear();
    server.stubFor(
        get("/v1/tracks").willReturn(json(401, error("UNAUTHORIZED", "missing token"))));

    assertThatThrownBy(() -> client.tracks())
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED));
    server.verify(0, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
    server.verify(
        1, getRequestedFor(urlEqualTo("/v1/tracks")).withoutHeader("Authorization"));
  }

  @Test
  void concurrentUnauthorized_refreshesOnce() throws Exception {
    server.stubFor(
        get("/v1/tracks")
            .withHeader("Authorization", equalTo("Bearer a-old"))
            .willReturn(json(401, error("TOKEN_EXPIRED", "access token expired"))));
    server.stubFor(
        get("/v1/tracks")
            .withHeader("Authorization", equalTo("Bearer a-new"))
            .willReturn(json(200, TRACKS_EXAMPLE)));
    stubRefresh("r-old", "a-new", "r-new");
    // A second refresh with the rotated token would be rejected, so a double refresh fails.
    server.stubFor(
        post("/v1/auth/refresh")
            .withRequestBody(equalToJson("{\"refreshToken\":\"r-new\"}"))
            .willReturn(json(401, error("UNAUTHORIZED", "refresh token already used"))));

    Thread[] threads = new Thread[4];
    Throwable[] failures = new Throwable[threads.length];
    for (int i = 0; i < threads.length; i++) {
      int index = i;
      threads[i] =
          new Thread(
              () -> {
                try {
                  client.tracks();
                } catch (Throwable e) {
                  failures[index] = e;
                }
              });
      threads[i].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(failures).containsOnlyNulls();
    server.verify(1, postRequestedFor(urlEqualTo("/v1/auth/refresh")));
  }

  private void stubRefresh(String oldRefresh, String newAccess, String newRefresh) {
    server.stubFor(
        post("/v1/auth/refresh")
            .withRequestBody(equalToJson("{\"refreshToken\":\"" + oldRefresh + "\"}"))
            .willReturn(
                json(
                    200,
                    "{\"accessToken\":\""
                        + newAccess
                        + "\",\"refreshToken\":\""
                        + newRefresh
                        + "\",\"expiresInS\":900,\"userId\":\"u-premium\",\"tier\":\"premium\"}")));
  }
}
