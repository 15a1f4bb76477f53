package dev.tonearm.offline.internal;

import dev.tonearm.offline.GrantedObject;
import dev.tonearm.offline.OfflineException;
import dev.tonearm.offline.StorageQuota;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A validated download authorisation for one track, as the index stores it. Immutable.
 *
 * <p>Validation bounds every field so that a malformed or hostile authorisation cannot make the
 * downloader allocate or write without limit.
 */
public final class Grant {
  /** Smallest accepted chunk size. */
  public static final int MIN_CHUNK_SIZE_BYTES = 1024;

  /** Largest accepted chunk size; one chunk is buffered in memory per running download. */
  public static final int MAX_CHUNK_SIZE_BYTES = 16 * 1024 * 1024;

  /** Largest accepted object: the largest quota. */
  public static final long MAX_SIZE_BYTES = StorageQuota.MAX_BYTES;

  /** Largest accepted manifest kept for offline playback. */
  public static final int MAX_MANIFEST_BYTES = 1024 * 1024;

  static final int MAX_URLS = 8;
  static final int MAX_URL_LENGTH = 2048;
  static final int MAX_KEY_ID_LENGTH = 128;
  static final int MAX_RENDITION_ID_LENGTH = 64;
  private static final int SHA256_BYTES = 32;

  private final String trackId;
  private final String renditionId;
  private final String keyId;
  private final List<String> urls;
  private final long sizeBytes;
  private final int chunkSizeBytes;
  private final byte[][] chunkSha256;
  private final boolean hasManifest;

  public Grant(
      String trackId,
      String renditionId,
      String keyId,
      List<String> urls,
      long sizeBytes,
      int chunkSizeBytes,
      byte[][] chunkSha256,
      boolean hasManifest) {
    this.trackId = trackId;
    this.renditionId = renditionId;
    this.keyId = keyId;
    this.urls = Collections.unmodifiableList(new ArrayList<>(urls));
    this.sizeBytes = sizeBytes;
    this.chunkSizeBytes = chunkSizeBytes;
    this.chunkSha256 = chunkSha256;
    this.hasManifest = hasManifest;
  }

  /**
   * Validates a server authorisation.
   *
   * @throws OfflineException with INVALID_GRANT naming the field that failed
   */
  public static Grant validate(GrantedObject object) throws OfflineException {
    String trackId = object.trackId();
    String idProblem = TrackIds.trackIdProblem(trackId);
    if (idProblem != null) {
      throw invalid(trackId, idProblem);
    }
    String renditionId = object.renditionId();
    if (renditionId.isEmpty() || renditionId.length() > MAX_RENDITION_ID_LENGTH) {
      throw invalid(trackId, "renditionId must have 1 to " + MAX_RENDITION_ID_LENGTH + " chars");
    }
    String keyId = object.keyId();
    if (keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
      throw invalid(trackId, "keyId must have 1 to " + MAX_KEY_ID_LENGTH + " characters");
    }
    List<String> urls = object.urls();
    if (urls.isEmpty() || urls.size() > MAX_URLS) {
      throw invalid(trackId, "urls must have 1 to " + MAX_URLS + " entries: " + urls.size());
    }
    for (String url : urls) {
      String lower = url.toLowerCase(Locale.ROOT);
      if (url.length() > MAX_URL_LENGTH
          || !(lower.startsWith("http://") || lower.startsWith("https://"))) {
        throw invalid(trackId, "url must be http or https and at most 2048 characters: " + url);
      }
    }
    long sizeBytes = object.sizeBytes();
    if (sizeBytes <= 0 || sizeBytes > MAX_SIZE_BYTES) {
      throw invalid(trackId, "sizeBytes must be 1 to " + MAX_SIZE_BYTES + ": " + sizeBytes);
    }
    int chunkSizeBytes = object.chunkSizeBytes();
    if (chunkSizeBytes < MIN_CHUNK_SIZE_BYTES || chunkSizeBytes > MAX_CHUNK_SIZE_BYTES) {
      throw invalid(
          trackId,
          "chunkSizeBytes must be "
              + MIN_CHUNK_SIZE_BYTES
              + " to "
              + MAX_CHUNK_SIZE_BYTES
              + ": "
              + chunkSizeBytes);
    }
    long chunkCount = (sizeBytes + chunkSizeBytes - 1) / chunkSizeBytes;
    List<String> digests = object.chunkSha256();
    if (digests.size() != chunkCount) {
      throw invalid(trackId, "chunkSha256 must have " + chunkCount + " entries: " + digests.size());
    }
    byte[][] decoded = new byte[digests.size()][];
    for (int i = 0; i < decoded.length; i++) {
      byte[] digest = Hex.decodeOrNull(digests.get(i));
      if (digest == null || digest.length != SHA256_BYTES) {
        throw invalid(trackId, "chunkSha256[" + i + "] is not 64 hex digits");
      }
      decoded[i] = digest;
    }
    byte[] manifest = object.manifest();
    if (manifest != null && manifest.length > MAX_MANIFEST_BYTES) {
      throw invalid(
          trackId, "manifest must be at most " + MAX_MANIFEST_BYTES + " bytes: " + manifest.length);
    }
    return new Grant(
        trackId, renditionId, keyId, urls, sizeBytes, chunkSizeBytes, decoded, manifest != null);
  }

  private static OfflineException invalid(String trackId, String problem) {
    return new OfflineException(
        OfflineException.Reason.INVALID_GRANT,
        "Invalid download authorisation for track " + trackId + ": " + problem);
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

  public List<String> urls() {
    return urls;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  public int chunkCount() {
    return chunkSha256.length;
  }

  /** Returns the expected SHA-256 of chunk {@code index}; callers must not modify it. */
  public byte[] chunkSha256(int index) {
    return chunkSha256[index];
  }

  /** Returns the length of chunk {@code index}: the chunk size, or less for the last chunk. */
  public int chunkLength(int index) {
    long start = (long) index * chunkSizeBytes;
    return (int) Math.min(chunkSizeBytes, sizeBytes - start);
  }

  public boolean hasManifest() {
    return hasManifest;
  }

  /** Returns the chunk digests in hex, for the public object description. */
  public List<String> chunkSha256Hex() {
    List<String> hex = new ArrayList<>(chunkSha256.length);
    for (byte[] digest : chunkSha256) {
      hex.add(Hex.encode(digest));
    }
    return Collections.unmodifiableList(hex);
  }
}
