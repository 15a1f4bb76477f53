package dev.tonearm.server.drm;

import java.util.Locale;

/** Licence purpose, which selects the subscription check and the licence lifetime. */
public enum LicencePurpose {
  /** Playback while online; short-lived. */
  STREAMING,
  /** Playback of downloaded tracks without a connection; Premium only, long-lived. */
  OFFLINE;

  /** Returns the JSON name: {@code "streaming"} or {@code "offline"}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a JSON name; returns null for anything else. */
  static LicencePurpose fromJsonName(String name) {
    for (LicencePurpose purpose : values()) {
      if (purpose.jsonName().equals(name)) {
        return purpose;
      }
    }
    return null;
  }
}
