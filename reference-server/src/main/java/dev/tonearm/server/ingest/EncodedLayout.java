package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.SeekPoint;
import java.util.List;

/**
 * Format and seek index of an encoded rendition file. Immutable.
 *
 * @param sampleRateHz sample rate
 * @param channels channel count
 * @param totalFrames length in frames
 * @param nominalBitrateKbps Vorbis nominal bitrate, 0 for FLAC
 * @param seekIndex seek points, ascending by frame, the first at frame 0 and byte 0
 */
public record EncodedLayout(
    long sampleRateHz,
    int channels,
    long totalFrames,
    int nominalBitrateKbps,
    List<SeekPoint> seekIndex) {
  public EncodedLayout {
    seekIndex = List.copyOf(seekIndex);
  }
}
