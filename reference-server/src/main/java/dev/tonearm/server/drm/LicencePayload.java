package dev.tonearm.server.drm;

import java.util.List;

/**
 * The signed content of a licence, serialized as JSON in this field order.
 *
 * @param version format version, 1
 * @param licenceId random id of this licence, {@code "l-"} and 32 hex digits
 * @param accountId account that requested it
 * @param deviceId device whose public key wraps the keys
 * @param purpose {@code "streaming"} or {@code "offline"}
 * @param issuedAtMs issue time by the server clock, epoch milliseconds
 * @param expiresAtMs time from which the keys must no longer be used, epoch milliseconds
 * @param keys the wrapped content keys
 */
public record LicencePayload(
    int version,
    String licenceId,
    String accountId,
    String deviceId,
    String purpose,
    long issuedAtMs,
    long expiresAtMs,
    List<WrappedKey> keys) {
  /** The only version that this server writes. */
  public static final int VERSION = 1;

  public LicencePayload {
    keys = List.copyOf(keys);
  }
}
