package dev.tonearm.server.auth;

import java.util.Objects;

/**
 * A user account as stored. Immutable.
 *
 * @param id stable identifier such as {@code u-premium}
 * @param username login name, stored in lower case
 * @param tier subscription tier
 * @param passwordHash encoded hash from {@link PasswordHasher#hash}; never the password itself
 */
public record Account(String id, String username, Tier tier, String passwordHash) {
  public Account {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(passwordHash, "passwordHash");
  }

  @Override
  public String toString() {
    return "Account[id=" + id + ", username=" + username + ", tier=" + tier + "]";
  }
}
