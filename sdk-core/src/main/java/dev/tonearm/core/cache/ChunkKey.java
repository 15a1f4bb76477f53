package dev.tonearm.core.cache;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity of one cached chunk: track id, rendition id and chunk index. Immutable.
 *
 * <p>The file name is {@code <hex of track id>.<hex of rendition id>.<index>.chunk}, with the ids
 * hex-encoded as UTF-8, so any id maps to a safe name without separators. Ids may be at most
 * {@link #MAX_ID_BYTES} bytes long, which keeps names under the common 255-byte limit.
 */
public final class ChunkKey {
  /** Maximum length of a track or rendition id in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 100;

  static final String SUFFIX = ".chunk";
  static final Pattern FILE_NAME =
      Pattern.compile("([0-9a-f]{2,200})\\.([0-9a-f]{2,200})\\.([0-9]{1,9})\\.chunk");

  private final String trackId;
  private final String renditionId;
  private final int chunkIndex;

  /**
   * Creates a key.
   *
   * @throws IllegalArgumentException if an id is empty or longer than {@link #MAX_ID_BYTES}, or
   *     the index is negative
   */
  public ChunkKey(String trackId, String renditionId, int chunkIndex) {
    this.trackId = checkId(trackId, "trackId");
    this.renditionId = checkId(renditionId, "renditionId");
    if (chunkIndex < 0) {
      throw new IllegalArgumentException("chunkIndex must be >= 0: " + chunkIndex);
    }
    this.chunkIndex = chunkIndex;
  }

  /** Returns whether {@code trackId} and {@code renditionId} can form a key. */
  public static boolean isValidId(String id) {
    return id != null && !id.isEmpty() && id.getBytes(StandardCharsets.UTF_8).length <= MAX_ID_BYTES;
  }

  public String trackId() {
    return trackId;
  }

  public String renditionId() {
    return renditionId;
  }

  public int chunkIndex() {
    return chunkIndex;
  }

  /** Returns the name of the file that stores this chunk inside the cache folder. */
  public String fileName() {
    return hex(trackId) + "." + hex(renditionId) + "." + chunkIndex + SUFFIX;
  }

  /** Parses a cache file name, or returns null when the name is not one this cache writes. */
  static ChunkKey parseFileName(String fileName) {
    Matcher matcher = FILE_NAME.matcher(fileName);
    if (!matcher.matches()) {
      return null;
    }
    String trackId = unhex(matcher.group(1));
    String renditionId = unhex(matcher.group(2));
    if (trackId == null || renditionId == null) {
      return null;
    }
    try {
      ChunkKey key = new ChunkKey(trackId, renditionId, Integer.parseInt(matcher.group(3)));
      return key.fileName().equals(fileName) ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ChunkKey)) {
      return false;
    }
    ChunkKey that = (ChunkKey) o;
    return chunkIndex == that.chunkIndex
        && trackId.equals(that.trackId)
        && renditionId.equals(that.renditionId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trackId, renditionId, chunkIndex);
  }

  @Override
  public String toString() {
    return trackId + "/" + renditionId + "#" + chunkIndex;
  }

  private static String checkId(String id, String name) {
    if (!isValidId(id)) {
      throw new IllegalArgumentException(
          name + " must be 1 to " + MAX_ID_BYTES + " UTF-8 bytes: " + id);
    }
    return id;
  }

  private static String hex(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  private static String unhex(String hex) {
    if (hex.length() % 2 != 0) {
      return null;
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
