package dev.tonearm.core.api;

/** A {@link TokenStore} that keeps the tokens in a volatile field. Thread-safe. */
public final class InMemoryTokenStore implements TokenStore {
  private volatile AuthTokens tokens;

  @Override
  public AuthTokens tokens() {
    return tokens;
  }

  @Override
  public void store(AuthTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void clear() {
    tokens = null;
  }

  @Override
  public String toString() {
    return "InMemoryTokenStore{" + (tokens == null ? "empty" : "session") + "}";
  }
}
