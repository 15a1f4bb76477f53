package dev.tonearm.server.drm;

/**
 * One content key in a licence.
 *
 * @param keyId the content key id
 * @param wrappedKey the 32-byte key encrypted with RSA-OAEP (SHA-256, MGF1 with SHA-256, empty
 *     label) under the device's public key, base64
 */
public record WrappedKey(String keyId, String wrappedKey) {}
