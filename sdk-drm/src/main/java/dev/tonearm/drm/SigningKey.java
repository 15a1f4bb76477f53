package dev.tonearm.drm;

import java.util.Base64;

/** A public key that licences may be signed with: an Ed25519 key (RFC 8032) and its id. */
public final class SigningKey {
  /** Length of a raw Ed25519 public key. */
  public static final int ED25519_PUBLIC_KEY_LENGTH_BYTES = 32;

  private final String keyId;
  private final byte[] publicKey;

  /**
   * @param publicKey the raw 32-byte Ed25519 public key
   */
  public SigningKey(String keyId, byte[] publicKey) {
    if (keyId == null || keyId.isEmpty()) {
      throw new IllegalArgumentException("keyId must not be empty");
    }
    if (publicKey.length != ED25519_PUBLIC_KEY_LENGTH_BYTES) {
      throw new IllegalArgumentException(
          "Ed25519 public key must be "
              + ED25519_PUBLIC_KEY_LENGTH_BYTES
              + " bytes: "
              + publicKey.length);
    }
    this.keyId = keyId;
    this.publicKey = publicKey.clone();
  }

  /**
   * Parses a key as the signing-keys route lists it and as an app pins it.
   *
   * @param publicKeyBase64 base64 of the raw 32-byte Ed25519 public key
   */
  public static SigningKey fromBase64(String keyId, String publicKeyBase64) {
    return new SigningKey(keyId, Base64.getDecoder().decode(publicKeyBase64));
  }

  public String keyId() {
    return keyId;
  }

  /** Returns a copy of the raw public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public String toString() {
    return "SigningKey{keyId="
        + keyId
        + ", publicKey="
        + Base64.getEncoder().encodeToString(publicKey)
        + "}";
  }
}
