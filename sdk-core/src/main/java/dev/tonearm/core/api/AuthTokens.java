package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A session returned by login and refresh: the bearer access token, the refresh token that
 * replaces it, and who the user is. Immutable.
 *
 * <p>{@link #toString()} omits both tokens, so an instance is safe to log.
 */
public final class AuthTokens {
  private final String accessToken;
  private final String refreshToken;
  private final long expiresInS;
  private final String userId;
  private final String tier;

  /** Creates a session. Both tokens are required. */
  @JsonCreator
  public AuthTokens(
      @JsonProperty("accessToken") String accessToken,
      @JsonProperty("refreshToken") String refreshToken,
      @JsonProperty("expiresInS") long expiresInS,
      @JsonProperty("userId") String userId,
      @JsonProperty("tier") String tier) {
    this.accessToken = Models.requireText(accessToken, "accessToken");
    this.refreshToken = Models.requireText(refreshToken, "refreshToken");
    this.expiresInS = expiresInS;
    this.userId = userId;
    this.tier = tier;
  }

  /** The bearer token sent in {@code Authorization} on API and edge requests. */
  public String accessToken() {
    return accessToken;
  }

  /** The token that {@code POST /v1/auth/refresh} exchanges for a new session. */
  public String refreshToken() {
    return refreshToken;
  }

  /** Lifetime of the access token in seconds, counted from when the server issued it. */
  public long expiresInS() {
    return expiresInS;
  }

  /** The account id, such as {@code u-premium}. */
  public String userId() {
    return userId;
  }

  /** The account tier, such as {@code premium} or {@code free}. */
  public String tier() {
    return tier;
  }

  @Override
  public String toString() {
    return "AuthTokens{userId="
        + userId
        + ", tier="
        + tier
        + ", expiresInS="
        + expiresInS
        + ", accessToken=<redacted>, refreshToken=<redacted>}";
  }
}
