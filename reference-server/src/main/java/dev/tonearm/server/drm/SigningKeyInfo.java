package dev.tonearm.server.drm;

/**
 * Public half of the licence signing key.
 *
 * @param keyId id that licences carry in {@code signingKeyId}: {@code "sk-"} and the first 8 bytes
 *     of the SHA-256 of the public key, in hex
 * @param algorithm signature algorithm, {@code "Ed25519"}
 * @param publicKey the raw 32-byte Ed25519 public key (RFC 8032), base64
 */
public record SigningKeyInfo(String keyId, String algorithm, String publicKey) {}
