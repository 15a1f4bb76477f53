package dev.tonearm.server.offline;

import java.util.Optional;

/**
 * Subscription tiers of accounts, as the offline service needs them. The auth service backs this in
 * the server; tests use a map.
 *
 * <p>Implementations must be safe to call from any thread and must return the current tier, not a
 * cached one, because a cancelled subscription has to stop key delivery at once.
 */
@FunctionalInterface
public interface AccountDirectory {
  /** Subscription tier of an account. */
  enum Tier {
    FREE,
    PREMIUM
  }

  /** Returns the account's current tier, or empty when the account does not exist. */
  Optional<Tier> tierOf(String accountId);
}
