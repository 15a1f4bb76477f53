package dev.tonearm.drm;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * This device's id and RSA-2048 key pair, created on first use and kept in the {@link
 * DeviceKeyStore}.
 *
 * <p>The private key never leaves this class: {@link #unwrapContentKey} decrypts the content keys
 * that licences wrap for this device. {@link #toString()} shows the id and the public key
 * fingerprint. Thread-safe: immutable, and each unwrap uses its own {@link Cipher}.
 */
public final class DeviceIdentity {
  /** Size of the device key pair. */
  public static final int KEY_SIZE_BITS = 2048;

  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private final String deviceId;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;

  DeviceIdentity(String deviceId, PublicKey publicKey, PrivateKey privateKey) {
    this.deviceId = deviceId;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** Returns the device id: {@code "d-"} and 32 random hex digits. */
  public String deviceId() {
    return deviceId;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Base64 of the DER SubjectPublicKeyInfo, as the device registration route expects. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex; the server reports the same. */
  public String publicKeySha256() {
    try {
      return Hex.encode(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * Decrypts a content key wrapped for this device with RSA-OAEP (SHA-256, MGF1-SHA-256, empty
   * label).
   *
   * @param expiresAtMs expiry of the licence that carried the key
   * @throws DrmException {@code ERROR_KEY_UNWRAP_FAILED} if the key was wrapped for another device
   *     or is damaged, or does not decrypt to 32 bytes
   */
  public ContentKey unwrapContentKey(String keyId, byte[] wrappedKey, long expiresAtMs)
      throws DrmException {
    byte[] keyBytes;
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.DECRYPT_MODE, privateKey, OAEP_SHA256);
      keyBytes = cipher.doFinal(wrappedKey);
    } catch (GeneralSecurityException e) {
      throw new DrmException(
          DrmException.ERROR_KEY_UNWRAP_FAILED,
          "content key "
              + keyId
              + " cannot be unwrapped with the private key of device "
              + deviceId
              + "; it was wrapped for another device or damaged",
          e);
    }
    try {
      if (keyBytes.length != ContentKey.KEY_LENGTH_BYTES) {
        throw new DrmException(
            DrmException.ERROR_KEY_UNWRAP_FAILED,
            "content key "
                + keyId
                + " unwraps to "
                + keyBytes.length
                + " bytes instead of "
                + ContentKey.KEY_LENGTH_BYTES);
      }
      return new ContentKey(keyId, keyBytes, expiresAtMs);
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    return "DeviceIdentity{deviceId=" + deviceId + ", publicKeySha256=" + publicKeySha256() + "}";
  }
}
