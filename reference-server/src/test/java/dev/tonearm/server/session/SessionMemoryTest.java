package dev.tonearm.server.session;

import static dev.tonearm.server.session.SessionFixture.DEVICE_A;
import static dev.tonearm.server.session.SessionFixture.DEVICE_B;
import static dev.tonearm.server.session.SessionFixture.FREE_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounds on the endings that {@link SessionService} remembers, checked on the server's real
 * service with the free account starting sessions in a loop on two devices.
 */
@ExtendWith(NoLeaks.class)
class SessionMemoryTest {
  private static final String FREE_DEVICE_2 = "d-session-free-2";

  @TempDir Path tempDir;
  private SessionFixture fixture;
  private SessionService sessions;

  @BeforeEach
  void startServer() throws Exception {
    fixture = new SessionFixture(TestServers.builder(tempDir).seedDemo(false));
    sessions = fixture.server.sessions();
    String publicKey = fixture.server.devices().find(FREE_DEVICE).orElseThrow().publicKey();
    fixture
        .server
        .devices()
        .register("u-free", new RegisterDeviceRequest(FREE_DEVICE_2, publicKey, "2"));
  }

  @AfterEach
  void stopServer() {
    fixture.server.close();
  }

  /** Alternates starts on the free account's two devices and returns the first session's id. */
  private String churnFreeAccount(int starts) throws SessionException {
    String first = null;
    for (int i = 0; i < starts; i++) {
      PlaybackSession started = sessions.start("u-free", i % 2 == 0 ? FREE_DEVICE : FREE_DEVICE_2);
      if (first == null) {
        first = started.sessionId();
      }
    }
    return first;
  }

  private static SessionException.Reason heartbeatFailure(
      SessionService sessions, String accountId, String sessionId) {
    try {
      sessions.heartbeat(accountId, sessionId);
    } catch (SessionException e) {
      return e.reason();
    }
    throw new AssertionError("heartbeat of " + sessionId + " succeeded");
  }

  @Test
  void churningAccount_keepsOtherAccountsEndings() throws Exception {
    String premiumA = sessions.start("u-premium", DEVICE_A).sessionId();
    sessions.start("u-premium", DEVICE_B);

    churnFreeAccount(SessionService.MAX_REMEMBERED_ENDINGS + 2);

    assertThat(heartbeatFailure(sessions, "u-premium", premiumA))
        .isEqualTo(SessionException.Reason.SESSION_SUPERSEDED);
  }

  @Test
  void churningAccount_dropsOwnOldestEndings() throws Exception {
    int starts = SessionService.MAX_REMEMBERED_ENDINGS_PER_ACCOUNT + 3;
    String first = churnFreeAccount(starts);
    String holder = sessions.current("u-free").orElseThrow().sessionId();

    assertThat(sessions.rememberedEndingCount("u-free"))
        .isEqualTo(SessionService.MAX_REMEMBERED_ENDINGS_PER_ACCOUNT);
    assertThat(heartbeatFailure(sessions, "u-free", first))
        .isEqualTo(SessionException.Reason.SESSION_NOT_FOUND);
    assertThat(sessions.heartbeat("u-free", holder).sessionId()).isEqualTo(holder);
  }

  @Test
  void holderRestarts_addNoEndings() throws Exception {
    String premiumA = sessions.start("u-premium", DEVICE_A).sessionId();
    sessions.start("u-premium", DEVICE_B);
    for (int i = 0; i < 2 * SessionService.MAX_REMEMBERED_ENDINGS_PER_ACCOUNT; i++) {
      sessions.start("u-premium", DEVICE_B);
    }

    assertThat(sessions.rememberedEndingCount("u-premium")).isEqualTo(1);
    assertThat(sessions.supersededEnding("u-premium", DEVICE_A))
        .hasValueSatisfying(ending -> assertThat(ending.sessionId()).isEqualTo(premiumA));
    assertThatThrownBy(() -> sessions.heartbeat("u-premium", premiumA))
        .isInstanceOfSatisfying(
            SessionException.class, e -> assertThat(e.byDeviceId()).isEqualTo(DEVICE_B));
  }
}
