package dev.tonearm.server.auth;

/**
 * The authenticated account behind a request's bearer token. Immutable.
 *
 * @param accountId the account's {@link Account#id()}
 * @param tier the account's tier when the token was issued
 */
public record Principal(String accountId, Tier tier) {
  /** Returns whether the account has the premium tier. */
  public boolean isPremium() {
    return tier == Tier.PREMIUM;
  }
}
