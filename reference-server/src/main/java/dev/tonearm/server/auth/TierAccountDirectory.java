package dev.tonearm.server.auth;

import dev.tonearm.server.offline.AccountDirectory;
import java.util.Objects;
import java.util.Optional;

/**
 * Backs the offline service's {@link AccountDirectory} with the account store. The tier is read
 * on every call, so a cancelled subscription stops offline key delivery at once. Thread-safe if
 * the repository is.
 */
public final class TierAccountDirectory implements AccountDirectory {
  private final AccountRepository accounts;

  public TierAccountDirectory(AccountRepository accounts) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
  }

  @Override
  public Optional<AccountDirectory.Tier> tierOf(String accountId) {
    return accounts
        .findById(accountId)
        .map(
            account ->
                account.tier() == dev.tonearm.server.auth.Tier.PREMIUM
                    ? AccountDirectory.Tier.PREMIUM
                    : AccountDirectory.Tier.FREE);
  }
}
