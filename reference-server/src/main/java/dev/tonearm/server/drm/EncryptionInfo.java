package dev.tonearm.server.drm;

/**
 * The {@code encryption} object of a manifest rendition.
 *
 * @param scheme {@code "aes-256-ctr"}
 * @param keyId id of the track's content key, as passed to the licence route
 * @param iv initial counter block of the object, 16 bytes as 32 lower-case hex digits; block {@code
 *     i} of the object (bytes {@code 16i} to {@code 16i+15}) is encrypted with counter {@code (iv +
 *     i) mod 2^128}, big-endian
 */
public record EncryptionInfo(String scheme, String keyId, String iv) {
  /** The only scheme that {@link ContentEncryptor} writes. */
  public static final String SCHEME_AES_256_CTR = "aes-256-ctr";
}
