package dev.tonearm.server.auth;

import java.io.IOException;
import java.util.Optional;

/**
 * Storage of accounts. The reference server keeps them in a JSON file ({@link
 * JsonFileAccountRepository}); a production deployment implements this with a database table
 * keyed by id with a unique index on the lower-cased username.
 *
 * <p>Implementations are thread-safe.
 */
public interface AccountRepository {
  /** Finds an account by login name, compared case-insensitively. */
  Optional<Account> findByUsername(String username);

  /** Finds an account by id. */
  Optional<Account> findById(String id);

  /** Inserts {@code account} or replaces the account with the same id. */
  void save(Account account) throws IOException;

  /** Number of stored accounts. */
  int count();
}
