package dev.tonearm.server.cdn;

import java.nio.file.Path;

/**
 * An object that the edges serve: one rendition file. Immutable.
 *
 * @param trackId track id
 * @param renditionId rendition id
 * @param file the file in the origin store
 * @param sizeBytes file size
 * @param chunkSizeBytes cache and transfer unit; chunk {@code i} covers bytes {@code [i *
 *     chunkSizeBytes, min((i + 1) * chunkSizeBytes, sizeBytes))}
 * @param etag strong entity tag including the quotes, derived from the file's SHA-256
 * @param contentType media type such as {@code audio/ogg}
 * @param premiumOnly whether only premium accounts may fetch it
 */
public record ObjectInfo(
    String trackId,
    String renditionId,
    Path file,
    long sizeBytes,
    int chunkSizeBytes,
    String etag,
    String contentType,
    boolean premiumOnly) {

  /** Number of chunks. */
  public int chunkCount() {
    return (int) ((sizeBytes + chunkSizeBytes - 1) / chunkSizeBytes);
  }

  /** Length of chunk {@code index}; only the last chunk can be shorter. */
  public int chunkLength(int index) {
    long start = (long) index * chunkSizeBytes;
    return (int) Math.min(chunkSizeBytes, sizeBytes - start);
  }
}
