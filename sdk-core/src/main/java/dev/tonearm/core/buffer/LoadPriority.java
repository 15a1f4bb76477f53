package dev.tonearm.core.buffer;

/** Urgency with which the loader fetches the current track's next chunk. */
public enum LoadPriority {
  /** Below the playback threshold: load the current track before anything else. */
  URGENT,
  /** Between the playback threshold and the target: load, sharing the link with a prefetch. */
  BACKGROUND,
  /** At or above the target, or the rest of the track is loaded: start no new chunk. */
  NONE
}
