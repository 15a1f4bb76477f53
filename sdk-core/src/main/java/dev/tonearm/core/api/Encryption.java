package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Encryption of a rendition's bytes: the scheme, the id of the content key at the licence server
 * and the scheme's initialisation vector. Immutable.
 *
 * <p>For {@link #SCHEME_AES_256_CTR}, {@link #iv()} is the initial counter block as 32 hex digits,
 * and block {@code i} of the object (bytes {@code 16i} to {@code 16i+15}) is encrypted with the
 * counter {@code (iv + i) mod 2^128}, big-endian. The chunk digests of an encrypted rendition cover
 * the ciphertext.
 */
public final class Encryption {
  /** AES-256 in counter mode, the scheme that the reference server writes. */
  public static final String SCHEME_AES_256_CTR = "aes-256-ctr";

  private final String scheme;
  private final String keyId;
  private final String iv;

  /** Creates an encryption descriptor; only the scheme is required here. */
  @JsonCreator
  public Encryption(
      @JsonProperty("scheme") String scheme,
      @JsonProperty("keyId") String keyId,
      @JsonProperty("iv") String iv) {
    this.scheme = Models.requireText(scheme, "encryption.scheme");
    this.keyId = keyId;
    this.iv = iv;
  }

  /** Scheme name, such as {@link #SCHEME_AES_256_CTR}. */
  public String scheme() {
    return scheme;
  }

  /** Id of the content key at the licence server, or null if the manifest has none. */
  public String keyId() {
    return keyId;
  }

  /** Initialisation vector in hex, or null if the manifest has none. */
  public String iv() {
    return iv;
  }

  @Override
  public String toString() {
    return scheme + " key " + keyId;
  }
}
