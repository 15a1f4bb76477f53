package dev.tonearm.drm;

/**
 * A licence as the server sends it, before verification: base64 of the JSON payload, an Ed25519
 * signature over {@code "tonearm-licence-v1\n"} followed by the payload bytes, and the id of the
 * signing key. Immutable.
 */
public final class SignedLicence {
  /** Prefix of the signed message. */
  public static final String SIGNATURE_CONTEXT = "tonearm-licence-v1\n";

  private final String licence;
  private final String signature;
  private final String signingKeyId;

  public SignedLicence(String licence, String signature, String signingKeyId) {
    this.licence = licence;
    this.signature = signature;
    this.signingKeyId = signingKeyId;
  }

  /** Base64 of the UTF-8 JSON payload. */
  public String licence() {
    return licence;
  }

  /** Base64 of the 64-byte Ed25519 signature. */
  public String signature() {
    return signature;
  }

  public String signingKeyId() {
    return signingKeyId;
  }

  @Override
  public String toString() {
    return "SignedLicence{signingKeyId="
        + signingKeyId
        + ", licenceChars="
        + (licence == null ? 0 : licence.length())
        + "}";
  }
}
