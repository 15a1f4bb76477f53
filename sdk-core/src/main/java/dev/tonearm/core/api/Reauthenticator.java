package dev.tonearm.core.api;

import dev.tonearm.core.PlaybackException;

/**
 * Restores a session after the server rejected the refresh token, for example because the server
 * restarted and lost its sessions. An application that stores the user's credentials, or can ask
 * for them again, implements it by calling {@link TonearmClient#login}, which stores the new
 * session. Set it with {@link TonearmClient.Builder#setReauthenticator}.
 *
 * <p>Threading: {@link TonearmClient} calls it on the thread whose refresh was rejected, which may
 * be an OkHttp calling thread or a player's loader thread, and never on two threads at once for
 * one client when the refresh came from a 401. It must not call {@link TonearmClient#refresh}.
 */
@FunctionalInterface
public interface Reauthenticator {
  /**
   * Logs in again on {@code client}. Implementations must keep credentials out of exception
   * messages and logs.
   *
   * @throws PlaybackException when the login fails; {@link TonearmClient#refresh} then throws it
   *     with the refresh token's rejection attached as a suppressed exception
   */
  void reauthenticate(TonearmClient client) throws PlaybackException;
}
