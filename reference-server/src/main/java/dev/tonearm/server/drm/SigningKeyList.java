package dev.tonearm.server.drm;

import java.util.List;

/** Body of the {@code GET /v1/licences/signing-keys} response. */
public record SigningKeyList(List<SigningKeyInfo> keys) {
  public SigningKeyList {
    keys = List.copyOf(keys);
  }
}
