package dev.tonearm.server.ingest;

import java.util.Map;

/**
 * Stream facts that a file's headers declare, read before any decoding. Immutable.
 *
 * @param format detected format
 * @param sampleRateHz sample rate
 * @param channels channel count
 * @param bitsPerSample bits per sample for FLAC and WAV, 0 for Vorbis
 * @param totalFrames declared length in frames, or -1 when the header does not say
 * @param nominalBitrateKbps Vorbis nominal bitrate, 0 when unset or not Vorbis
 * @param tags Vorbis-comment style tags with upper-case keys ({@code TITLE}, {@code ARTIST},
 *     {@code ALBUM}, {@code GENRE}), first value of each
 */
public record ProbeResult(
    SourceFormat format,
    long sampleRateHz,
    int channels,
    int bitsPerSample,
    long totalFrames,
    int nominalBitrateKbps,
    Map<String, String> tags) {
  public ProbeResult {
    tags = Map.copyOf(tags);
  }
}
