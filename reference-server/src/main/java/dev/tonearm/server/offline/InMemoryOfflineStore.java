package dev.tonearm.server.offline;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** An {@link OfflineStore} in a map, for tests and benchmarks. Lost on restart. Thread-safe. */
public final class InMemoryOfflineStore implements OfflineStore {
  private final ConcurrentMap<String, AccountRecord> records = new ConcurrentHashMap<>();

  @Override
  public Optional<AccountRecord> load(String accountId) {
    return Optional.ofNullable(records.get(accountId));
  }

  @Override
  public void save(AccountRecord record) {
    records.put(record.accountId(), record);
  }
}
