package dev.tonearm.server.drm;

import java.util.List;

/**
 * Body of {@code POST /v1/licences}.
 *
 * @param deviceId registered device that the keys are wrapped for
 * @param keyIds content key ids from the manifests' {@code encryption.keyId}; duplicates are
 *     ignored
 * @param purpose {@code "streaming"} or {@code "offline"}
 */
public record LicenceRequest(String deviceId, List<String> keyIds, String purpose) {}
