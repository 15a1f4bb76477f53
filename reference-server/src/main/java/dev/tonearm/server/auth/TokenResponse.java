package dev.tonearm.server.auth;

/**
 * Body of a successful login or refresh. Immutable.
 *
 * @param accessToken opaque bearer token for API and edge requests
 * @param refreshToken opaque single-use token for {@code POST /v1/auth/refresh}
 * @param expiresInS lifetime of the access token in seconds
 * @param userId the account id
 * @param tier the account tier
 */
public record TokenResponse(
    String accessToken, String refreshToken, long expiresInS, String userId, Tier tier) {
  @Override
  public String toString() {
    return "TokenResponse[userId=" + userId + ", tier=" + tier + ", expiresInS=" + expiresInS + "]";
  }
}
