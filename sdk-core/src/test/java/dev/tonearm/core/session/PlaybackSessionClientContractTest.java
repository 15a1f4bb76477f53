package dev.tonearm.core.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.FakeScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST part of {@link PlaybackSessionClient} against WireMock stubs whose bodies are the
 * session examples of the API contract. WireMock listens on loopback only; no events socket is
 * opened, so takeovers are seen through heartbeats. Timers run on a {@link FakeScheduler}.
 */
class PlaybackSessionClientContractTest {
  static final String PHONE_SESSION_EXAMPLE =
      "{\"sessionId\": \"s-phone\", \"deviceId\": \"d-docs-phone\","
          + " \"startedAtMs\": 1800000000000, \"lastHeartbeatAtMs\": 1800000000000,"
          + " \"expiresAtMs\": 1800000030000, \"timeoutMs\": 30000}";
  static final String RESTARTED_SESSION_EXAMPLE =
      "{\"sessionId\": \"s-phone-2\", \"deviceId\": \"d-docs-phone\","
          + " \"startedAtMs\": 1800000040000, \"lastHeartbeatAtMs\": 1800000040000,"
          + " \"expiresAtMs\": 1800000070000, \"timeoutMs\": 30000}";

  private final FakeClock clock = new FakeClock(0);
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final List<String> superseded = new ArrayList<>();
  private WireMockServer server;
  private PlaybackSessionClient session;

  @BeforeEach
  void start() {
    server =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    TonearmClient client =
        TonearmClient.builder().setBaseUrl("http://127.0.0.1:" + server.port()).build();
    session =
        PlaybackSessionClient.builder()
            .setClient(client)
            .setDeviceId("d-docs-phone")
            .setScheduler(scheduler)
            .build();
    session.addListener(
        new PlaybackSessionClient.Listener() {
          @Override
          public void onSuperseded(String sessionId, String byDeviceId, PlaybackException reason) {
            synchronized (superseded) {
              superseded.add(sessionId + "/" + reason.reason());
            }
          }
        });
  }

  @AfterEach
  void stop() {
    session.close();
    server.stop();
  }

  private void stubStart(String body) {
    server.stubFor(
        post(urlEqualTo("/v1/sessions"))
            .withRequestBody(equalToJson("{\"deviceId\": \"d-docs-phone\"}"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  private void stubHeartbeatError(int status, String code) {
    server.stubFor(
        post(urlEqualTo("/v1/sessions/s-phone/heartbeat"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": \"" + code + "\", \"message\": \"example\"}}")));
  }

  @Test
  void start_contractExample_mapsEveryField() throws Exception {
    stubStart(PHONE_SESSION_EXAMPLE);

    SessionInfo info = session.start();

    assertThat(info.sessionId()).isEqualTo("s-phone");
    assertThat(info.deviceId()).isEqualTo("d-docs-phone");
    assertThat(info.startedAtMs()).isEqualTo(1_800_000_000_000L);
    assertThat(info.lastHeartbeatAtMs()).isEqualTo(1_800_000_000_000L);
    assertThat(info.expiresAtMs()).isEqualTo(1_800_000_030_000L);
    assertThat(info.timeoutMs()).isEqualTo(30_000);
    assertThat(session.session()).isSameAs(info);
  }

  @Test
  void start_schedulesHeartbeatAtThirdOfTimeout() throws Exception {
    stubStart(PHONE_SESSION_EXAMPLE);
    server.stubFor(
        post(urlEqualTo("/v1/sessions/s-phone/heartbeat"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(PHONE_SESSION_EXAMPLE)));
    session.start();

    scheduler.advanceMs(9_999);
    server.verify(0, postRequestedFor(urlEqualTo("/v1/sessions/s-phone/heartbeat")));
    scheduler.advanceMs(1);

    // The due task hands the heartbeat to OkHttp's dispatcher, which schedules the next one.
    assertThat(scheduler.awaitPending(10_000)).isTrue();
    server.verify(1, postRequestedFor(urlEqualTo("/v1/sessions/s-phone/heartbeat")));
  }

  @Test
  void heartbeat_supersededConflict_reportsTakeoverOnce() throws Exception {
    stubStart(PHONE_SESSION_EXAMPLE);
    stubHeartbeatError(409, "SESSION_SUPERSEDED");
    session.start();

    assertThatThrownBy(session::heartbeat)
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.serverCode()).isEqualTo("SESSION_SUPERSEDED");
            });
    SessionInfo afterwards = session.heartbeat();

    assertThat(superseded).containsExactly("s-phone/" + PlaybackException.ERROR_SESSION_SUPERSEDED);
    assertThat(afterwards).isNull();
    assertThat(session.session()).isNull();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void heartbeat_expiredOrUnknown_startsNewSession() throws Exception {
    String[][] cases = {{"409", "SESSION_EXPIRED"}, {"404", "SESSION_NOT_FOUND"}};
    for (String[] testCase : cases) {
      server.resetAll();
      stubStart(PHONE_SESSION_EXAMPLE);
      session.start();
      stubHeartbeatError(Integer.parseInt(testCase[0]), testCase[1]);
      stubStart(RESTARTED_SESSION_EXAMPLE);

      SessionInfo renewed = session.heartbeat();

      assertThat(renewed.sessionId()).as(testCase[1]).isEqualTo("s-phone-2");
      assertThat(session.session().sessionId()).as(testCase[1]).isEqualTo("s-phone-2");
    }
    assertThat(superseded).isEmpty();
  }

  @Test
  void start_deviceOfOtherAccount_throwsTypedError() {
    server.stubFor(
        post(urlEqualTo("/v1/sessions"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": \"DEVICE_NOT_OWNED\", \"message\": \"x\"}}")));

    assertThatThrownBy(session::start)
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_FORBIDDEN);
              assertThat(e.serverCode()).isEqualTo("DEVICE_NOT_OWNED");
            });
    assertThat(session.session()).isNull();
  }

  @Test
  void start_malformedBody_throwsBadResponse() {
    String[] bodies = {"{}", "{\"sessionId\": \"s-1\"}", "[1]", "null", "not json"};
    for (String body : bodies) {
      server.resetAll();
      stubStart(body);

      assertThatThrownBy(session::start)
          .as(body)
          .isInstanceOfSatisfying(
              PlaybackException.class,
              e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_BAD_RESPONSE));
    }
  }

  @Test
  void current_contractExample_mapsSession() throws Exception {
    server.stubFor(
        get(urlEqualTo("/v1/sessions/current"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(PHONE_SESSION_EXAMPLE)));

    assertThat(session.current().deviceId()).isEqualTo("d-docs-phone");
  }

  @Test
  void end_sendsDeleteAndDropsSession() throws Exception {
    stubStart(PHONE_SESSION_EXAMPLE);
    server.stubFor(delete(urlEqualTo("/v1/sessions/s-phone")).willReturn(aResponse().withStatus(204)));
    session.start();

    session.end();

    server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sessions/s-phone")));
    assertThat(session.session()).isNull();
    assertThat(scheduler.pendingCount()).isZero();
  }
}
