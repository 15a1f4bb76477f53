package dev.tonearm.server.drm;

/**
 * Server-side key custody: content encryption keys (CEKs) wrapped under a master key, and the key
 * that signs licences.
 *
 * <p>Only wrapped CEKs are stored; a CEK exists in plaintext only in the {@link ContentKey} that a
 * call returns. A deployment may back this interface with a cloud KMS or an HSM, whose master key
 * never leaves it; {@link FileKeyManagementService} is the embedded default. Implementations are
 * thread-safe.
 */
public interface KeyManagementService {
  /** Generates a new random 256-bit CEK, stores it wrapped and returns it with its new key id. */
  ContentKey createContentKey() throws DrmServiceException;

  /**
   * Unwraps the CEK with id {@code keyId}.
   *
   * @throws DrmServiceException {@code UNKNOWN_KEY} if no such key exists, {@code KEY_FILE_CORRUPT}
   *     if its wrapped form fails authentication
   */
  ContentKey contentKey(String keyId) throws DrmServiceException;

  /** Whether a CEK with id {@code keyId} exists. */
  boolean hasContentKey(String keyId);

  /** Deletes the CEK with id {@code keyId}; returns whether it existed. */
  boolean deleteContentKey(String keyId) throws DrmServiceException;

  /** Public half of the licence signing key. */
  SigningKeyInfo signingKey();

  /** Signs {@code message} with the licence signing key (Ed25519, RFC 8032) and returns it. */
  byte[] sign(byte[] message);
}
