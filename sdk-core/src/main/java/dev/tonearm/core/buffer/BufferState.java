package dev.tonearm.core.buffer;

/** Band of the playback buffer, as decided by {@link BufferStateMachine}. */
public enum BufferState {
  /** Too little data to play: playback waits and loading has priority. */
  BUFFERING,
  /** Playing with less than the stable level buffered, while loading fills in the background. */
  PLAYING,
  /** Playing with at least the stable level buffered, or with the rest of the track loaded. */
  STABLE
}
