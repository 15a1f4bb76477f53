package dev.tonearm.server.offline;

import java.io.IOException;
import java.util.Optional;

/**
 * Storage of offline state, one record per account. {@link FileOfflineStore} keeps it under the
 * server's data directory; a production deployment may back it with a database.
 *
 * <p>The service serialises calls for the same account, so implementations only need to be safe for
 * concurrent calls on different accounts. {@link #save} must be durable when it returns.
 */
public interface OfflineStore {
  /** Returns the account's record, or empty if nothing was saved for it. */
  Optional<AccountRecord> load(String accountId) throws IOException;

  /** Saves the record, replacing any earlier one for the same account. */
  void save(AccountRecord record) throws IOException;
}
