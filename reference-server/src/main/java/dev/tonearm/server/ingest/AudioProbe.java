package dev.tonearm.server.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a delivered file's headers: format, sample rate, channels, declared length and tags.
 * Implementations are thread-safe and read at most {@link IngestLimits#MAX_HEADER_BYTES} of
 * metadata.
 */
public interface AudioProbe {
  /**
   * Probes {@code file}.
   *
   * @throws IngestException UNSUPPORTED_FORMAT, CORRUPT or TRUNCATED for bad headers
   */
  ProbeResult probe(Path file) throws IngestException, IOException;
}
