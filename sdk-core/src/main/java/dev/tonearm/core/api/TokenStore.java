package dev.tonearm.core.api;

/**
 * Holder of the current session's tokens. Applications that keep the session across restarts
 * implement it over their secure storage, and {@link InMemoryTokenStore} keeps it in memory only.
 *
 * <p>Implementations must be thread-safe: the HTTP client reads and replaces the tokens from
 * OkHttp's calling threads and the player's loader threads.
 */
public interface TokenStore {
  /** Returns the current tokens, or null when no session exists. */
  AuthTokens tokens();

  /** Replaces the current tokens after a login or refresh. */
  void store(AuthTokens tokens);

  /** Forgets the session, for example after the refresh token was rejected. */
  void clear();
}
