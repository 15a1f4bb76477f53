package dev.tonearm.server.sync;

import java.util.Optional;

/**
 * Maps an access token to the id of the user it was issued to.
 *
 * <p>The sync endpoint calls it once per WebSocket upgrade with the token from the {@code
 * Authorization: Bearer} header. Implementations must be thread-safe; they run on Netty event loop
 * threads and must not block for long.
 */
@FunctionalInterface
public interface TokenVerifier {
  /**
   * Returns the user id for a valid, unexpired token, or empty for a token that is not valid.
   *
   * @throws dev.tonearm.server.http.ApiException with the code that the upgrade response carries,
   *     such as {@code TOKEN_EXPIRED} for an expired token, when the caller should learn why the
   *     token was rejected
   */
  Optional<String> userIdFor(String accessToken);
}
