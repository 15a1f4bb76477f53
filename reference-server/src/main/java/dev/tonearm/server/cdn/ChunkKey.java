package dev.tonearm.server.cdn;

/**
 * Cache key of one chunk. The ETag is part of the key, so chunks of a replaced object never
 * match. Immutable.
 */
public record ChunkKey(String trackId, String renditionId, String etag, int index) {
  /** Key of chunk {@code index} of {@code object}. */
  public static ChunkKey of(ObjectInfo object, int index) {
    return new ChunkKey(object.trackId(), object.renditionId(), object.etag(), index);
  }
}
