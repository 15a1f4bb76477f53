package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static dev.tonearm.server.session.SessionFixture.FREE_DEVICE;
import static dev.tonearm.server.session.SessionFixture.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.RawHttp;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.auth.AuthService;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The session routes over real sockets, with the server's clock moved by hand. */
@ExtendWith(NoLeaks.class)
class SessionRoutesTest {
  @TempDir Path tempDir;
  private SessionFixture fixture;

  @BeforeEach
  void startServer() throws Exception {
    fixture = new SessionFixture(TestServers.builder(tempDir).seedDemo(false));
  }

  @AfterEach
  void stopServer() {
    fixture.server.close();
  }

  @Test
  void start_newDevice_returnsSessionWithTimeout() throws Exception {
    RawHttp.Response response =
        fixture.send("POST", "/v1/sessions", fixture.premium, "{\"deviceId\":\"" + DEVICE_A + "\"}");

    assertThat(response.status()).isEqualTo(201);
    JsonNode json = response.json();
    assertThat(json.get("sessionId").asText()).startsWith("s-");
    assertThat(json.get("deviceId").asText()).isEqualTo(DEVICE_A);
    long startedAtMs = fixture.clock.millis();
    assertThat(json.get("startedAtMs").asLong()).isEqualTo(startedAtMs);
    assertThat(json.get("lastHeartbeatAtMs").asLong()).isEqualTo(startedAtMs);
    assertThat(json.get("timeoutMs").asLong()).isEqualTo(30_000);
    assertThat(json.get("expiresAtMs").asLong()).isEqualTo(startedAtMs + 30_000);
  }

  @Test
  void start_secondDevice_supersedesFirst() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    String sessionB = fixture.start(fixture.premium, DEVICE_B);

    RawHttp.Response heartbeatA =
        fixture.send("POST", "/v1/sessions/" + sessionA + "/heartbeat", fixture.premium, null);
    RawHttp.Response heartbeatB =
        fixture.send("POST", "/v1/sessions/" + sessionB + "/heartbeat", fixture.premium, null);
    RawHttp.Response current = fixture.send("GET", "/v1/sessions/current", fixture.premium, null);

    assertThat(sessionB).isNotEqualTo(sessionA);
    assertThat(heartbeatA.status()).isEqualTo(409);
    assertThat(errorCode(heartbeatA)).isEqualTo("SESSION_SUPERSEDED");
    assertThat(heartbeatA.json().path("error").path("message").asText()).contains(DEVICE_B);
    assertThat(heartbeatB.status()).isEqualTo(200);
    assertThat(current.json().get("sessionId").asText()).isEqualTo(sessionB);
    assertThat(current.json().get("deviceId").asText()).isEqualTo(DEVICE_B);
  }

  @Test
  void start_sameDeviceTwice_keepsSession() throws Exception {
    String first = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(Duration.ofSeconds(10));
    String second = fixture.start(fixture.premium, DEVICE_A);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void start_firstDeviceAgain_takesSessionBack() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    String sessionB = fixture.start(fixture.premium, DEVICE_B);
    String sessionA2 = fixture.start(fixture.premium, DEVICE_A);

    RawHttp.Response heartbeatB =
        fixture.send("POST", "/v1/sessions/" + sessionB + "/heartbeat", fixture.premium, null);

    assertThat(sessionA2).isNotEqualTo(sessionA);
    assertThat(heartbeatB.status()).isEqualTo(409);
    assertThat(errorCode(heartbeatB)).isEqualTo("SESSION_SUPERSEDED");
  }

  @Test
  void heartbeat_withinTimeout_keepsSessionAlive() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);
    for (int i = 0; i < 4; i++) {
      fixture.clock.advance(Duration.ofSeconds(29));
      RawHttp.Response heartbeat =
          fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);
      assertThat(heartbeat.status()).as("heartbeat %d", i).isEqualTo(200);
      assertThat(heartbeat.json().get("lastHeartbeatAtMs").asLong())
          .isEqualTo(fixture.clock.millis());
    }
  }

  @Test
  void heartbeat_afterTimeout_getsSessionExpired() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(Duration.ofSeconds(30));

    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);
    RawHttp.Response current = fixture.send("GET", "/v1/sessions/current", fixture.premium, null);

    assertThat(heartbeat.status()).isEqualTo(409);
    assertThat(errorCode(heartbeat)).isEqualTo("SESSION_EXPIRED");
    assertThat(current.status()).isEqualTo(404);
    assertThat(errorCode(current)).isEqualTo("SESSION_NOT_FOUND");
  }

  @Test
  void start_afterExpiry_supersedesExpiredSession() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(Duration.ofSeconds(31));
    String sessionB = fixture.start(fixture.premium, DEVICE_B);

    RawHttp.Response heartbeatA =
        fixture.send("POST", "/v1/sessions/" + sessionA + "/heartbeat", fixture.premium, null);
    RawHttp.Response current = fixture.send("GET", "/v1/sessions/current", fixture.premium, null);

    assertThat(heartbeatA.status()).isEqualTo(409);
    assertThat(errorCode(heartbeatA)).isEqualTo("SESSION_SUPERSEDED");
    assertThat(heartbeatA.json().path("error").path("message").asText()).contains(DEVICE_B);
    assertThat(current.json().get("sessionId").asText()).isEqualTo(sessionB);
  }

  @Test
  void start_afterOwnExpiry_keepsExpiredReason() throws Exception {
    String first = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(Duration.ofSeconds(31));
    fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.premium, DEVICE_B);

    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + first + "/heartbeat", fixture.premium, null);

    assertThat(errorCode(heartbeat)).isEqualTo("SESSION_EXPIRED");
  }

  @Test
  void heartbeat_deauthorisedDevice_endsSession() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);
    fixture.server.devices().deauthorise("u-premium", DEVICE_A);

    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);
    RawHttp.Response current = fixture.send("GET", "/v1/sessions/current", fixture.premium, null);

    assertThat(heartbeat.status()).isEqualTo(404);
    assertThat(errorCode(heartbeat)).isEqualTo("DEVICE_NOT_FOUND");
    assertThat(current.status()).isEqualTo(404);
    assertThat(errorCode(current)).isEqualTo("SESSION_NOT_FOUND");
  }

  @Test
  void end_ownSession_forgetsIt() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);

    RawHttp.Response end = fixture.send("DELETE", "/v1/sessions/" + session, fixture.premium, null);
    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);
    RawHttp.Response current = fixture.send("GET", "/v1/sessions/current", fixture.premium, null);

    assertThat(end.status()).isEqualTo(204);
    assertThat(heartbeat.status()).isEqualTo(404);
    assertThat(errorCode(heartbeat)).isEqualTo("SESSION_NOT_FOUND");
    assertThat(current.status()).isEqualTo(404);
  }

  @Test
  void otherAccount_cannotHeartbeatOrEndSession() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);

    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.free, null);
    RawHttp.Response end = fixture.send("DELETE", "/v1/sessions/" + session, fixture.free, null);
    RawHttp.Response ownHeartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);

    assertThat(heartbeat.status()).isEqualTo(403);
    assertThat(errorCode(heartbeat)).isEqualTo("SESSION_NOT_OWNED");
    assertThat(end.status()).isEqualTo(403);
    assertThat(errorCode(end)).isEqualTo("SESSION_NOT_OWNED");
    assertThat(ownHeartbeat.status()).isEqualTo(200);
  }

  @Test
  void otherAccount_cannotTouchSupersededSession() throws Exception {
    String sessionA = fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.premium, DEVICE_B);

    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + sessionA + "/heartbeat", fixture.free, null);

    assertThat(heartbeat.status()).isEqualTo(403);
    assertThat(errorCode(heartbeat)).isEqualTo("SESSION_NOT_OWNED");
  }

  @Test
  void otherAccount_sessionsAreIndependent() throws Exception {
    String premiumSession = fixture.start(fixture.premium, DEVICE_A);
    fixture.start(fixture.free, FREE_DEVICE);

    RawHttp.Response heartbeat =
        fixture.send(
            "POST", "/v1/sessions/" + premiumSession + "/heartbeat", fixture.premium, null);

    assertThat(heartbeat.status()).isEqualTo(200);
  }

  @Test
  void start_deviceOfOtherAccount_getsDeviceNotOwned() throws Exception {
    RawHttp.Response response =
        fixture.send("POST", "/v1/sessions", fixture.free, "{\"deviceId\":\"" + DEVICE_A + "\"}");

    assertThat(response.status()).isEqualTo(403);
    assertThat(errorCode(response)).isEqualTo("DEVICE_NOT_OWNED");
  }

  @Test
  void start_unknownDevice_getsDeviceNotFound() throws Exception {
    RawHttp.Response response =
        fixture.send("POST", "/v1/sessions", fixture.premium, "{\"deviceId\":\"d-nobody\"}");

    assertThat(response.status()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("DEVICE_NOT_FOUND");
  }

  @Test
  void start_badBodies_getBadRequest() throws Exception {
    String[][] cases = {
      {"{}", "BAD_REQUEST"},
      {"{\"deviceId\":42}", "BAD_REQUEST"},
      {"{\"deviceId\":\"\"}", "BAD_REQUEST"},
      {"[\"" + DEVICE_A + "\"]", "BAD_REQUEST"},
      {"{\"deviceId\":", "INVALID_JSON"},
    };
    for (String[] testCase : cases) {
      RawHttp.Response response = fixture.send("POST", "/v1/sessions", fixture.premium, testCase[0]);
      assertThat(response.status()).as(testCase[0]).isEqualTo(400);
      assertThat(errorCode(response)).as(testCase[0]).isEqualTo(testCase[1]);
    }
  }

  @Test
  void routes_withoutToken_getUnauthorized() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);
    String[][] requests = {
      {"POST", "/v1/sessions"},
      {"GET", "/v1/sessions/current"},
      {"POST", "/v1/sessions/" + session + "/heartbeat"},
      {"DELETE", "/v1/sessions/" + session},
    };
    for (String[] request : requests) {
      RawHttp.Response response =
          fixture.send(request[0], request[1], null, "{\"deviceId\":\"" + DEVICE_A + "\"}");
      assertThat(response.status()).as(request[0] + " " + request[1]).isEqualTo(401);
    }
    RawHttp.Response heartbeat =
        fixture.send("POST", "/v1/sessions/" + session + "/heartbeat", fixture.premium, null);
    assertThat(heartbeat.status()).isEqualTo(200);
  }

  @Test
  void routes_withExpiredToken_getTokenExpired() throws Exception {
    String session = fixture.start(fixture.premium, DEVICE_A);
    fixture.clock.advance(AuthService.DEFAULT_ACCESS_TOKEN_TTL.plusSeconds(1));
    String[][] requests = {
      {"POST", "/v1/sessions"},
      {"GET", "/v1/sessions/current"},
      {"POST", "/v1/sessions/" + session + "/heartbeat"},
      {"DELETE", "/v1/sessions/" + session},
    };
    String body = "{\"deviceId\":\"" + DEVICE_A + "\"}";
    for (String[] request : requests) {
      RawHttp.Response response = fixture.send(request[0], request[1], fixture.premium, body);
      assertThat(response.status()).as(request[0] + " " + request[1]).isEqualTo(401);
      assertThat(errorCode(response)).as(request[0] + " " + request[1]).isEqualTo("TOKEN_EXPIRED");
    }
  }

  @Test
  void errorCodes_coverEverySessionReason() {
    for (SessionException.Reason reason : SessionException.Reason.values()) {
      assertThat(dev.tonearm.server.http.ErrorCode.valueOf(reason.name())).isNotNull();
    }
  }
}
