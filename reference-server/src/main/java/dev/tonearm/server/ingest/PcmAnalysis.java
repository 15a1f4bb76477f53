package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.Loudness;

/**
 * Facts measured from decoded PCM. Immutable.
 *
 * @param sampleRateHz sample rate of the PCM
 * @param channels channel count
 * @param frames decoded frames
 * @param loudness integrated loudness and true peak
 * @param clippedRuns runs of at least {@link PcmAnalyzer#CLIP_RUN_SAMPLES} consecutive full-scale
 *     samples in one channel
 */
public record PcmAnalysis(
    long sampleRateHz, int channels, long frames, Loudness loudness, long clippedRuns) {
  /** Decoded length in milliseconds, rounded down. */
  public long durationMs() {
    return frames * 1000 / sampleRateHz;
  }
}
