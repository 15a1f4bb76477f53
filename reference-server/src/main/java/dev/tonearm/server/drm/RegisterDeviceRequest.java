package dev.tonearm.server.drm;

/**
 * Body of {@code POST /v1/devices}.
 *
 * @param deviceId 8 to 64 characters from {@code [A-Za-z0-9_-]}, chosen by the device
 * @param publicKey base64 of the DER SubjectPublicKeyInfo of the device's RSA-2048 public key
 * @param name optional display name, at most 100 characters
 */
public record RegisterDeviceRequest(String deviceId, String publicKey, String name) {}
