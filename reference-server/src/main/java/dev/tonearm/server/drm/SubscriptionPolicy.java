package dev.tonearm.server.drm;

/**
 * Decides whether an account's subscription allows a kind of playback. The auth service supplies
 * the implementation, for example "streaming for every active account, offline for Premium".
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface SubscriptionPolicy {
  /** Whether {@code accountId} may receive licences for {@code purpose}. */
  boolean allows(String accountId, LicencePurpose purpose);
}
