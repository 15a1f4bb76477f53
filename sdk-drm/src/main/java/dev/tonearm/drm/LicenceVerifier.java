package dev.tonearm.drm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies signed licences against trusted Ed25519 keys and parses them.
 *
 * <p>Checks, in order: the signing key is trusted ({@code ERROR_LICENCE_UNTRUSTED_SIGNING_KEY}),
 * the signature verifies over {@code "tonearm-licence-v1\n"} and the payload bytes ({@code
 * ERROR_LICENCE_SIGNATURE_INVALID}), the payload is a version-1 licence ({@code
 * ERROR_LICENCE_MALFORMED}), it names this device ({@code ERROR_LICENCE_DEVICE_MISMATCH}), and it
 * has not expired by the caller's clock ({@code ERROR_LICENCE_EXPIRED}). Uses the Bouncy Castle
 * lightweight Ed25519 API, because Android offers Ed25519 through the JCA only from API 33.
 * Thread-safe: immutable.
 */
public final class LicenceVerifier {
  private static final int LICENCE_VERSION = 1;
  private static final int ED25519_SIGNATURE_LENGTH_BYTES = 64;
  private static final int MAX_WRAPPED_KEY_LENGTH_BYTES = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Ed25519PublicKeyParameters> trustedKeys = new HashMap<>();

  /** Creates a verifier that trusts {@code trustedKeys}, for example keys pinned in the app. */
  public LicenceVerifier(Collection<SigningKey> trustedKeys) {
    if (trustedKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted signing key is required");
    }
    for (SigningKey key : trustedKeys) {
      this.trustedKeys.put(key.keyId(), new Ed25519PublicKeyParameters(key.publicKey(), 0));
    }
  }

  /**
   * Verifies {@code signed} and returns its content.
   *
   * @param expectedDeviceId this device's id
   * @param nowMs the current time, epoch milliseconds
   * @throws DrmException with the reasons listed in the class documentation
   */
  public Licence verify(SignedLicence signed, String expectedDeviceId, long nowMs)
      throws DrmException {
    Ed25519PublicKeyParameters key = trustedKeys.get(signed.signingKeyId());
    if (key == null) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_UNTRUSTED_SIGNING_KEY,
          "licence is signed with key "
              + signed.signingKeyId()
              + ", which is not among the trusted keys "
              + trustedKeys.keySet());
    }
    byte[] payload = decodeBase64(signed.licence(), "licence");
    byte[] signature = decodeBase64(signed.signature(), "signature");
    if (signature.length != ED25519_SIGNATURE_LENGTH_BYTES || !verifies(key, payload, signature)) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_SIGNATURE_INVALID,
          "licence signature does not verify with key " + signed.signingKeyId());
    }
    Licence licence = parse(payload);
    if (!licence.deviceId().equals(expectedDeviceId)) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_DEVICE_MISMATCH,
          "licence "
              + licence.licenceId()
              + " was issued to device "
              + licence.deviceId()
              + ", not to this device "
              + expectedDeviceId);
    }
    if (nowMs >= licence.expiresAtMs()) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_EXPIRED,
          "licence "
              + licence.licenceId()
              + " expired at "
              + licence.expiresAtMs()
              + " ms (now "
              + nowMs
              + " ms); check the device clock");
    }
    return licence;
  }

  private static boolean verifies(
      Ed25519PublicKeyParameters key, byte[] payload, byte[] signature) {
    byte[] context = SignedLicence.SIGNATURE_CONTEXT.getBytes(StandardCharsets.UTF_8);
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(context, 0, context.length);
    verifier.update(payload, 0, payload.length);
    return verifier.verifySignature(signature);
  }

  private static Licence parse(byte[] payload) throws DrmException {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw malformed("licence payload is not valid JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw malformed("licence payload is not a JSON object", null);
    }
    int version = root.path("version").asInt(-1);
    if (version != LICENCE_VERSION) {
      throw malformed("licence version must be " + LICENCE_VERSION + ": " + version, null);
    }
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray() || keys.size() == 0) {
      throw malformed("licence has no \"keys\"", null);
    }
    List<Licence.WrappedContentKey> wrapped = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode key : keys) {
      String keyId = text(key, "keyId");
      if (!seen.add(keyId)) {
        throw malformed("licence lists key " + keyId + " twice", null);
      }
      byte[] wrappedKey = decodeBase64(text(key, "wrappedKey"), "wrappedKey");
      if (wrappedKey.length > MAX_WRAPPED_KEY_LENGTH_BYTES) {
        throw malformed("wrapped key " + keyId + " has " + wrappedKey.length + " bytes", null);
      }
      wrapped.add(new Licence.WrappedContentKey(keyId, wrappedKey));
    }
    return new Licence(
        text(root, "licenceId"),
        text(root, "accountId"),
        text(root, "deviceId"),
        text(root, "purpose"),
        number(root, "issuedAtMs"),
        number(root, "expiresAtMs"),
        wrapped);
  }

  private static String text(JsonNode node, String field) throws DrmException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed("licence has no text field \"" + field + "\"", null);
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field) throws DrmException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw malformed("licence has no integer field \"" + field + "\"", null);
    }
    return value.asLong();
  }

  private static byte[] decodeBase64(String text, String field) throws DrmException {
    if (text == null) {
      throw malformed("licence field \"" + field + "\" is missing", null);
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed("licence field \"" + field + "\" is not valid base64", e);
    }
  }

  private static DrmException malformed(String message, Throwable cause) {
    return new DrmException(DrmException.ERROR_LICENCE_MALFORMED, message, cause);
  }

  @Override
  public String toString() {
    return "LicenceVerifier{trustedKeys=" + trustedKeys.keySet() + "}";
  }
}
