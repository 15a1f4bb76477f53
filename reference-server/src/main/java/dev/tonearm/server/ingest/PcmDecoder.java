package dev.tonearm.server.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes a probed source file to a PCM WAV file for analysis and encoding. Implementations are
 * thread-safe.
 */
public interface PcmDecoder {
  /**
   * Decodes {@code source} into a WAV file in {@code workDir} and returns its path, which may be
   * {@code source} itself when it is already PCM WAV.
   *
   * @throws IngestException CORRUPT when decoding fails, TOOL_UNAVAILABLE when no decoder exists
   */
  Path decodeToWav(Path source, ProbeResult probe, Path workDir)
      throws IngestException, IOException;
}
