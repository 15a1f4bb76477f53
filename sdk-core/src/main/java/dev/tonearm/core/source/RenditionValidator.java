package dev.tonearm.core.source;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.SeekPoint;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Checks that a rendition is consistent enough to stream, so that a bad manifest fails with a
 * reason code before any request instead of corrupting the buffer. Thread-safe.
 */
public final class RenditionValidator {
  /** Smallest chunk size accepted: 1 KiB. */
  public static final int MIN_CHUNK_SIZE_BYTES = 1024;

  /** Largest chunk size accepted: 16 MiB, which bounds the memory of one request. */
  public static final int MAX_CHUNK_SIZE_BYTES = 16 * 1024 * 1024;

  /** Largest object accepted: 4 GiB. */
  public static final long MAX_OBJECT_SIZE_BYTES = 4L * 1024 * 1024 * 1024;

  private RenditionValidator() {}

  /**
   * Returns the object URL on each edge, in manifest order, after checking {@code rendition}.
   *
   * <p>An encrypted rendition passes when it is otherwise consistent: the chunks are verified as
   * ciphertext, and decryption is the player's concern.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_MANIFEST_INVALID} for any
   *     inconsistency
   */
  public static HttpUrl[] validate(Manifest manifest, Rendition rendition)
      throws PlaybackException {
    String where = "track " + manifest.trackId() + " rendition " + rendition.id();
    if (manifest.durationMs() <= 0) {
      throw invalid(where, "durationMs must be > 0: " + manifest.durationMs());
    }
    long size = rendition.sizeBytes();
    if (size <= 0 || size > MAX_OBJECT_SIZE_BYTES) {
      throw invalid(where, "sizeBytes must be in [1, " + MAX_OBJECT_SIZE_BYTES + "]: " + size);
    }
    int chunkSize = rendition.chunkSizeBytes();
    if (chunkSize < MIN_CHUNK_SIZE_BYTES || chunkSize > MAX_CHUNK_SIZE_BYTES) {
      throw invalid(
          where,
          "chunkSizeBytes must be in ["
              + MIN_CHUNK_SIZE_BYTES
              + ", "
              + MAX_CHUNK_SIZE_BYTES
              + "]: "
              + chunkSize);
    }
    List<String> digests = rendition.chunkSha256();
    if (digests.size() != rendition.chunkCount()) {
      throw invalid(
          where,
          "chunkSha256 has "
              + digests.size()
              + " entries but sizeBytes "
              + size
              + " and chunkSizeBytes "
              + chunkSize
              + " make "
              + rendition.chunkCount()
              + " chunks");
    }
    for (int i = 0; i < digests.size(); i++) {
      if (!ChunkDigest.isSha256Hex(digests.get(i))) {
        throw invalid(where, "chunkSha256[" + i + "] is not 64 lower-case hex digits");
      }
    }
    long previousFrame = -1;
    long previousOffset = -1;
    for (SeekPoint point : rendition.seekIndex()) {
      if (point.frame() < previousFrame
          || point.byteOffset() < previousOffset
          || point.byteOffset() < 0
          || point.byteOffset() >= size
          || point.frame() < 0) {
        throw invalid(where, "seekIndex entry out of order or range: " + point);
      }
      previousFrame = point.frame();
      previousOffset = point.byteOffset();
    }
    if (!rendition.objectPath().startsWith("/")) {
      throw invalid(where, "objectPath must start with '/': " + rendition.objectPath());
    }
    List<String> edges = manifest.edges();
    if (edges.isEmpty()) {
      throw invalid(where, "the manifest lists no edges");
    }
    HttpUrl[] urls = new HttpUrl[edges.size()];
    for (int i = 0; i < urls.length; i++) {
      String edge = edges.get(i);
      urls[i] = HttpUrl.parse(stripTrailingSlash(edge) + rendition.objectPath());
      if (urls[i] == null) {
        throw invalid(where, "edge is not an http or https URL: " + edge);
      }
    }
    return urls;
  }

  private static String stripTrailingSlash(String edge) {
    return edge.endsWith("/") ? edge.substring(0, edge.length() - 1) : edge;
  }

  private static PlaybackException invalid(String where, String detail) {
    return new PlaybackException(PlaybackException.ERROR_MANIFEST_INVALID, where + ": " + detail);
  }
}
