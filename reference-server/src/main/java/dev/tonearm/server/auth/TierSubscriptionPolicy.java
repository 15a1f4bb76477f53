package dev.tonearm.server.auth;

import dev.tonearm.server.drm.LicencePurpose;
import dev.tonearm.server.drm.SubscriptionPolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference server's subscription rule: streaming licences for every existing account, offline
 * licences for premium accounts only. The tier is read from the account store on each call, so a
 * changed tier applies to the next licence request, not only to new tokens. Thread-safe if the
 * repository is.
 */
public final class TierSubscriptionPolicy implements SubscriptionPolicy {
  private final AccountRepository accounts;

  public TierSubscriptionPolicy(AccountRepository accounts) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
  }

  @Override
  public boolean allows(String accountId, LicencePurpose purpose) {
    Optional<Account> account = accounts.findById(accountId);
    if (account.isEmpty()) {
      return false;
    }
    return purpose == LicencePurpose.STREAMING || account.get().tier() == Tier.PREMIUM;
  }
}
