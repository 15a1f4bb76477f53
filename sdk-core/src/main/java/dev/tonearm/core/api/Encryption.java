package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Encryption scheme and key id of a rendition's bytes, such as {@code aes-256-ctr}. Immutable. */
public final class Encryption {
  private final String scheme;
  private final String keyId;

  @JsonCreator
  public Encryption(@JsonProperty("scheme") String scheme, @JsonProperty("keyId") String keyId) {
    this.scheme = Models.requireText(scheme, "encryption.scheme");
    this.keyId = keyId;
  }

  public String scheme() {
    return scheme;
  }

  /** Id of the content key at the licence server. */
  public String keyId() {
    return keyId;
  }

  @Override
  public String toString() {
    return scheme + " key " + keyId;
  }
}
