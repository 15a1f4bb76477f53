package dev.tonearm.drm;

import java.util.Locale;

/** What a licence is for; the server picks the subscription check and the lifetime from it. */
public enum LicencePurpose {
  /** Playback while online; short-lived. */
  STREAMING,
  /** Playback of downloaded tracks without a connection; Premium only, long-lived. */
  OFFLINE;

  /** The JSON name: {@code "streaming"} or {@code "offline"}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
