package dev.tonearm.offline;

/**
 * Durable steps of the download pipeline, reported to a {@link CheckpointObserver} right after each
 * step completes. Fault-injection tests stop the process at these points.
 */
public enum Checkpoint {
  /** A verified chunk was written to the partial file (not yet forced to disk). */
  CHUNK_WRITTEN,
  /** The complete partial file was forced to disk. */
  PART_FILE_SYNCED,
  /** The complete file was renamed to its final name and the directory forced. */
  FILE_RENAMED,
  /** The manifest kept for offline playback was written. */
  MANIFEST_WRITTEN,
  /** A record was appended to the index journal and forced to disk. */
  JOURNAL_APPENDED,
  /** A new index snapshot and an empty journal replaced the old ones. */
  SNAPSHOT_WRITTEN,
  /**
   * A key was stored in the key store. Keys are stored in batches, and each key of a batch is
   * reported once the whole batch is stored, before any of its tracks becomes AVAILABLE.
   */
  KEY_STORED,
  /**
   * A key was removed from the key store. Removals in a batch are reported per track once the whole
   * batch is removed, also for tracks that had no key.
   */
  KEY_REMOVED,
  /** A downloaded or partial file was deleted. */
  FILE_DELETED
}
