package dev.tonearm.server.drm;

/**
 * A registered device.
 *
 * @param deviceId id the device chose at registration
 * @param accountId account that owns the device
 * @param name display name shown in device lists, may be empty
 * @param publicKey the device's RSA public key, base64 of its DER SubjectPublicKeyInfo
 * @param publicKeySha256 SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex
 * @param registeredAtMs when the device was first registered, epoch milliseconds
 */
public record Device(
    String deviceId,
    String accountId,
    String name,
    String publicKey,
    String publicKeySha256,
    long registeredAtMs) {}
