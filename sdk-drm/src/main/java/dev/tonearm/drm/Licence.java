package dev.tonearm.drm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A licence whose signature {@link LicenceVerifier} has verified. Immutable; {@link #toString()}
 * omits the wrapped keys.
 */
public final class Licence {
  private final String licenceId;
  private final String accountId;
  private final String deviceId;
  private final String purpose;
  private final long issuedAtMs;
  private final long expiresAtMs;
  private final List<WrappedContentKey> keys;

  Licence(
      String licenceId,
      String accountId,
      String deviceId,
      String purpose,
      long issuedAtMs,
      long expiresAtMs,
      List<WrappedContentKey> keys) {
    this.licenceId = licenceId;
    this.accountId = accountId;
    this.deviceId = deviceId;
    this.purpose = purpose;
    this.issuedAtMs = issuedAtMs;
    this.expiresAtMs = expiresAtMs;
    this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
  }

  public String licenceId() {
    return licenceId;
  }

  public String accountId() {
    return accountId;
  }

  public String deviceId() {
    return deviceId;
  }

  /** {@code "streaming"} or {@code "offline"}. */
  public String purpose() {
    return purpose;
  }

  /** Issue time by the server clock, epoch milliseconds. */
  public long issuedAtMs() {
    return issuedAtMs;
  }

  /** Epoch milliseconds from which the keys must no longer be used. */
  public long expiresAtMs() {
    return expiresAtMs;
  }

  /** Returns the content keys, wrapped for {@link #deviceId()}. */
  public List<WrappedContentKey> keys() {
    return keys;
  }

  @Override
  public String toString() {
    return "Licence{licenceId="
        + licenceId
        + ", deviceId="
        + deviceId
        + ", purpose="
        + purpose
        + ", keys="
        + keys.size()
        + ", expiresAtMs="
        + expiresAtMs
        + "}";
  }

  /** A content key wrapped with RSA-OAEP for one device. Immutable. */
  public static final class WrappedContentKey {
    private final String keyId;
    private final byte[] wrappedKey;

    WrappedContentKey(String keyId, byte[] wrappedKey) {
      this.keyId = keyId;
      this.wrappedKey = wrappedKey.clone();
    }

    public String keyId() {
      return keyId;
    }

    /** Returns a copy of the RSA-OAEP ciphertext. */
    public byte[] wrappedKey() {
      return wrappedKey.clone();
    }

    @Override
    public String toString() {
      return "WrappedContentKey{keyId=" + keyId + "}";
    }
  }
}
