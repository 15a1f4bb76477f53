package dev.tonearm.server.offline;

import java.util.List;

/**
 * Wraps tracks' content keys for a device. The DRM licence service backs this in the server: it
 * unwraps each content key with the KMS master key and encrypts it with the device's public key.
 *
 * <p>The offline service calls this only after its own checks (Premium, offline registration, track
 * limit) have passed. Implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface KeyIssuer {
  /**
   * Returns one wrapped key per track, in the order of {@code trackIds}.
   *
   * @throws KeyIssueException when a key cannot be wrapped (unknown device key, KMS failure)
   */
  List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds)
      throws KeyIssueException;

  /** A failure to wrap keys. The offline service reports it as {@code KEY_UNAVAILABLE}. */
  final class KeyIssueException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyIssueException(String message) {
      super(message);
    }

    public KeyIssueException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
