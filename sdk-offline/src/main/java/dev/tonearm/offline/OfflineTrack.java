package dev.tonearm.offline;

import java.util.List;

/**
 * What the player needs to read a downloaded object: its rendition, key id and chunk layout with
 * digests, so it can verify chunks as it reads them. Immutable.
 */
public final class OfflineTrack {
  private final String trackId;
  private final String renditionId;
  private final String keyId;
  private final long sizeBytes;
  private final int chunkSizeBytes;
  private final List<String> chunkSha256;

  public OfflineTrack(
      String trackId,
      String renditionId,
      String keyId,
      long sizeBytes,
      int chunkSizeBytes,
      List<String> chunkSha256) {
    this.trackId = trackId;
    this.renditionId = renditionId;
    this.keyId = keyId;
    this.sizeBytes = sizeBytes;
    this.chunkSizeBytes = chunkSizeBytes;
    this.chunkSha256 = chunkSha256;
  }

  public String trackId() {
    return trackId;
  }

  public String renditionId() {
    return renditionId;
  }

  public String keyId() {
    return keyId;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** Returns the lower-case hex SHA-256 of each chunk of the encrypted object. */
  public List<String> chunkSha256() {
    return chunkSha256;
  }
}
