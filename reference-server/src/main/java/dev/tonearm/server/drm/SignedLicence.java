package dev.tonearm.server.drm;

/**
 * Body of the {@code POST /v1/licences} response.
 *
 * <p>The signature covers the bytes {@code "tonearm-licence-v1\n"} (UTF-8) followed by the decoded
 * {@code licence} bytes, so a client verifies exactly the bytes it parses and needs no JSON
 * canonicalization.
 *
 * @param licence base64 of the UTF-8 JSON of a {@link LicencePayload}
 * @param signature the 64-byte Ed25519 signature, base64
 * @param signingKeyId id of the signing key, see {@link SigningKeyInfo#keyId()}
 */
public record SignedLicence(String licence, String signature, String signingKeyId) {
  /** Prefix of the signed message, which keeps licence signatures apart from any other use. */
  public static final String SIGNATURE_CONTEXT = "tonearm-licence-v1\n";
}
