package dev.tonearm.server.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tonearm.server.OwnerOnlyFiles;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts in one JSON file (an array of {@link Account}), loaded at construction and rewritten
 * whole on each save through a temporary file and an atomic rename, so a crash leaves either the
 * old or the new file. Suits the handful of accounts of a reference server.
 *
 * <p>Thread-safe: all methods synchronize on this instance.
 */
public final class JsonFileAccountRepository implements AccountRepository {
  private final Path file;

  /** Accounts by id, in insertion order. Guarded by {@code this}. */
  private final Map<String, Account> accountsById = new LinkedHashMap<>();

  /** Opens {@code file}, which need not exist yet. */
  public JsonFileAccountRepository(Path file) throws IOException {
    this.file = file;
    if (Files.exists(file)) {
      List<Account> stored = Json.MAPPER.readValue(file.toFile(), new TypeReference<>() {});
      for (Account account : stored) {
        accountsById.put(account.id(), account);
      }
    }
  }

  @Override
  public synchronized Optional<Account> findByUsername(String username) {
    String normalized = username.toLowerCase(Locale.ROOT);
    return accountsById.values().stream()
        .filter(account -> account.username().equals(normalized))
        .findFirst();
  }

  @Override
  public synchronized Optional<Account> findById(String id) {
    return Optional.ofNullable(accountsById.get(id));
  }

  @Override
  public synchronized void save(Account account) throws IOException {
    Account normalized =
        new Account(
            account.id(),
            account.username().toLowerCase(Locale.ROOT),
            account.tier(),
            account.passwordHash());
    Optional<Account> sameName = findByUsername(normalized.username());
    if (sameName.isPresent() && !sameName.get().id().equals(normalized.id())) {
      throw new IllegalArgumentException(
          "username already belongs to account " + sameName.get().id() + ": " + account.username());
    }
    Map<String, Account> updated = new LinkedHashMap<>(accountsById);
    updated.put(normalized.id(), normalized);
    write(new ArrayList<>(updated.values()));
    accountsById.clear();
    accountsById.putAll(updated);
  }

  @Override
  public synchronized int count() {
    return accountsById.size();
  }

  private void write(List<Account> accounts) throws IOException {
    OwnerOnlyFiles.createDirectories(file.toAbsolutePath().getParent());
    // The file contains password hashes.
    OwnerOnlyFiles.writeAtomically(
        file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(accounts));
  }
}
