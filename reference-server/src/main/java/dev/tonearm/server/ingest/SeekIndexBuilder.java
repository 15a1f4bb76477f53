package dev.tonearm.server.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an encoded rendition and lists seek points: for target frames {@code 0, interval, 2 *
 * interval, ...} below the length, the byte offset of a page or frame from which a decoder
 * reaches the target. Implementations are stateless and thread-safe.
 */
public interface SeekIndexBuilder {
  /** Default spacing of seek points. */
  long DEFAULT_INTERVAL_MS = 10_000;

  /** Builds the layout of {@code file} with seek points every {@code intervalMs}. */
  EncodedLayout build(Path file, long intervalMs) throws IOException, IngestException;
}
