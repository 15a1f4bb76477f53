package dev.tonearm.server.offline;

import java.util.List;
import java.util.Objects;

/**
 * The encrypted object a device downloads for one track, with what it needs to verify it.
 *
 * @param trackId the track id
 * @param renditionId the rendition chosen for downloads, for example {@code vorbis-160}
 * @param keyId the id of the content key that decrypts the object
 * @param urls the object's URL on each CDN edge, preferred edge first
 * @param sizeBytes the object size in bytes
 * @param chunkSizeBytes the size of every chunk except possibly the last
 * @param chunkSha256 lower-case hex SHA-256 of each chunk, over the bytes as served
 */
public record OfflineObject(
    String trackId,
    String renditionId,
    String keyId,
    List<String> urls,
    long sizeBytes,
    int chunkSizeBytes,
    List<String> chunkSha256) {
  public OfflineObject {
    Objects.requireNonNull(trackId, "trackId");
    Objects.requireNonNull(renditionId, "renditionId");
    Objects.requireNonNull(keyId, "keyId");
    urls = List.copyOf(urls);
    chunkSha256 = List.copyOf(chunkSha256);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("urls must not be empty for track " + trackId);
    }
    if (sizeBytes <= 0) {
      throw new IllegalArgumentException("sizeBytes must be > 0: " + sizeBytes);
    }
    if (chunkSizeBytes <= 0) {
      throw new IllegalArgumentException("chunkSizeBytes must be > 0: " + chunkSizeBytes);
    }
    long expectedChunks = (sizeBytes + chunkSizeBytes - 1) / chunkSizeBytes;
    if (chunkSha256.size() != expectedChunks) {
      throw new IllegalArgumentException(
          "chunkSha256 must have "
              + expectedChunks
              + " entries for "
              + sizeBytes
              + " bytes in chunks of "
              + chunkSizeBytes
              + ": "
              + chunkSha256.size());
    }
  }
}
