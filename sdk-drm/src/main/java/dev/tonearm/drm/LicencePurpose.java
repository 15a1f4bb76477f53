package dev.tonearm.drm;

import java.util.Locale;

/** Licence purpose, from which the server picks the subscription check and the lifetime. */
public enum LicencePurpose {
  /** Playback while online; short-lived. */
  STREAMING,
  /** Playback of downloaded tracks without a connection; Premium only, long-lived. */
  OFFLINE;

  /** Returns the JSON name: {@code "streaming"} or {@code "offline"}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
