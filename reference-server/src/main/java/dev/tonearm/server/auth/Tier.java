package dev.tonearm.server.auth;

import com.fasterxml.jackson.annotation.JsonValue;

/** Subscription tier of an account. Serialized in lower case: {@code "premium"}, {@code "free"}. */
public enum Tier {
  /** Full catalog, every rendition including lossless and 320 kbps. */
  PREMIUM,
  /** Renditions up to 160 kbps only. */
  FREE;

  /** The JSON and wire name. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
