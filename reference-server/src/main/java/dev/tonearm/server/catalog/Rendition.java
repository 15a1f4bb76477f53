package dev.tonearm.server.catalog;

import java.util.List;

/**
 * One encoded version of a track as stored in the catalog. Immutable.
 *
 * @param id rendition id, unique within the track: {@code vorbis-160}, {@code flac}
 * @param codec {@code vorbis} or {@code flac}
 * @param bitrateKbps nominal bitrate for Vorbis, average bitrate for FLAC
 * @param container {@code ogg} or {@code flac}; also the file extension under {@code objects/}
 * @param sampleRateHz sample rate of this rendition, which can differ from the source
 * @param channels channel count
 * @param totalFrames decoded length in frames at {@code sampleRateHz}
 * @param sizeBytes file size
 * @param chunkSizeBytes size of every chunk but the last
 * @param chunkSha256 lower-case hex SHA-256 of each chunk, in order
 * @param sha256 lower-case hex SHA-256 of the whole file; the edges derive the ETag from it
 * @param premiumOnly whether only premium accounts may fetch it
 * @param seekIndex seek points about every 10 s, ascending by frame
 */
public record Rendition(
    String id,
    String codec,
    int bitrateKbps,
    String container,
    long sampleRateHz,
    int channels,
    long totalFrames,
    long sizeBytes,
    int chunkSizeBytes,
    List<String> chunkSha256,
    String sha256,
    boolean premiumOnly,
    List<SeekPoint> seekIndex) {

  public Rendition {
    chunkSha256 = List.copyOf(chunkSha256);
    seekIndex = List.copyOf(seekIndex);
  }

  /** File name under {@code objects/TRACK_ID/}. */
  public String fileName() {
    return id + "." + container;
  }

  /** Path of the object on the edges: {@code /objects/TRACK_ID/RENDITION_ID}. */
  public String objectPath(String trackId) {
    return "/objects/" + trackId + "/" + id;
  }
}
