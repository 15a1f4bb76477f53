package dev.tonearm.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.testing.TestOrigin;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reauthenticator hook against {@link TestOrigin} on loopback: the origin invalidates the
 * access token and rejects every refresh token, as a server that lost its sessions does, while the
 * account's credentials stay valid.
 */
class ReauthenticatorTest {
  private static final String TRACK = "t-0f";
  private static final String WRONG_PASSWORD = "wrong-password-5c1e";

  private TestOrigin origin;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(1);
    origin.addTrack(
        TRACK,
        1_000,
        new TestOrigin.Rendition(
            "vorbis-96", "vorbis", 96, new byte[4096], 1024, 48000, 2, 48000, new ArrayList<>()));
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  @Test
  void rejectedRefresh_logsInOnce_repeatsRequest() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TonearmClient client =
        newClient(
            c -> {
              calls.incrementAndGet();
              c.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
            });
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    String firstToken = client.tokenStore().tokens().accessToken();
    AtomicInteger refreshEvents = new AtomicInteger();
    client.addSessionListener(refreshEvents::incrementAndGet);
    origin.expireAccessToken();
    origin.rejectRefresh(true);

    Manifest manifest = client.manifest(TRACK);

    assertThat(manifest.trackId()).isEqualTo(TRACK);
    assertThat(calls.get()).as("reauthenticator calls").isEqualTo(1);
    assertThat(origin.refreshCount()).as("refresh requests").isEqualTo(1);
    assertThat(refreshEvents.get()).as("session refreshed events").isEqualTo(1);
    assertThat(client.tokenStore().tokens().accessToken()).isNotEqualTo(firstToken);
  }

  @Test
  void noReauthenticator_failsAndClearsSession() throws Exception {
    TonearmClient client = TonearmClient.builder().setBaseUrl(origin.apiBaseUrl()).build();
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    origin.expireAccessToken();
    origin.rejectRefresh(true);

    assertThatThrownBy(() -> client.manifest(TRACK))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_AUTH_FAILED));
    assertThat(client.tokenStore().tokens()).isNull();
  }

  @Test
  void reloginRejected_failsWithoutSecrets() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    TonearmClient client =
        newClient(
            c -> {
              calls.incrementAndGet();
              c.login(TestOrigin.USERNAME, WRONG_PASSWORD);
            });
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    String refreshToken = client.tokenStore().tokens().refreshToken();
    origin.expireAccessToken();
    origin.rejectRefresh(true);

    Throwable thrown = catchFailure(client);

    assertThat(thrown).isInstanceOf(PlaybackException.class);
    assertThat(((PlaybackException) thrown).reason())
        .isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
    assertThat(thrown.getSuppressed()).as("refresh rejection attached").isNotEmpty();
    assertThat(calls.get()).as("reauthenticator calls").isEqualTo(1);
    assertThat(origin.refreshCount()).as("refresh requests").isEqualTo(1);
    assertThat(allMessages(thrown)).doesNotContain(WRONG_PASSWORD);
    assertThat(allMessages(thrown)).doesNotContain(refreshToken);
    assertThat(client.tokenStore().tokens()).isNull();
  }

  @Test
  void noSessionStored_failsWithAuthReason() throws Exception {
    TonearmClient client = newClient(c -> {});
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    origin.expireAccessToken();
    origin.rejectRefresh(true);

    Throwable thrown = catchFailure(client);

    assertThat(((PlaybackException) thrown).reason())
        .isEqualTo(PlaybackException.ERROR_AUTH_FAILED);
    assertThat(thrown.getMessage()).contains("stored no session");
  }

  private TonearmClient newClient(Reauthenticator reauthenticator) {
    return TonearmClient.builder()
        .setBaseUrl(origin.apiBaseUrl())
        .setReauthenticator(reauthenticator)
        .build();
  }

  private static Throwable catchFailure(TonearmClient client) {
    try {
      client.manifest(TRACK);
    } catch (PlaybackException e) {
      return e;
    }
    throw new AssertionError("manifest request succeeded although every refresh is rejected");
  }

  private static String allMessages(Throwable thrown) {
    StringBuilder text = new StringBuilder(String.valueOf(thrown));
    for (Throwable suppressed : thrown.getSuppressed()) {
      text.append('\n').append(suppressed);
    }
    for (Throwable cause = thrown.getCause(); cause != null; cause = cause.getCause()) {
      text.append('\n').append(cause);
    }
    return text.toString();
  }
}
