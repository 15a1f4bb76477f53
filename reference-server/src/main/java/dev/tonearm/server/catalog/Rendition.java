package dev.tonearm.server.catalog;

import dev.tonearm.server.drm.EncryptionInfo;
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
 * @param sizeBytes file size, the same for plaintext and ciphertext
 * @param chunkSizeBytes size of every chunk but the last
 * @param chunkSha256 lower-case hex SHA-256 of each chunk of the file as stored and served (the
 *     ciphertext when encrypted), in order
 * @param sha256 lower-case hex SHA-256 of the whole file as stored; the edges derive the ETag
 *     from it
 * @param encryption how the stored file is encrypted, or null for a plain file (only in data
 *     directories written before objects were encrypted, until the server migrates them)
 * @param premiumOnly whether only premium accounts may fetch it
 * @param seekIndex seek points about every 10 s, ascending by frame; byte offsets are the same in
 *     plaintext and ciphertext because AES-CTR keeps offsets
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
    EncryptionInfo encryption,
    boolean premiumOnly,
    List<SeekPoint> seekIndex) {

  public Rendition {
    chunkSha256 = List.copyOf(chunkSha256);
    seekIndex = List.copyOf(seekIndex);
  }

  /** Suffix of the file name of an encrypted object. */
  public static final String ENCRYPTED_SUFFIX = ".enc";

  /**
   * File name under {@code objects/TRACK_ID/}: {@code ID.CONTAINER}, with {@link
   * #ENCRYPTED_SUFFIX} when encrypted, so a plain and an encrypted object never share a name.
   */
  public String fileName() {
    return plainFileName() + (encryption == null ? "" : ENCRYPTED_SUFFIX);
  }

  /** File name of the plain object, {@code ID.CONTAINER}, whether or not this one is encrypted. */
  public String plainFileName() {
    return id + "." + container;
  }

  /** Returns a copy that describes the encrypted object of this rendition. */
  public Rendition withEncryptedObject(
      EncryptionInfo encryption, long sizeBytes, String sha256, List<String> chunkSha256) {
    return new Rendition(
        id,
        codec,
        bitrateKbps,
        container,
        sampleRateHz,
        channels,
        totalFrames,
        sizeBytes,
        chunkSizeBytes,
        chunkSha256,
        sha256,
        encryption,
        premiumOnly,
        seekIndex);
  }

  /** Path of the object on the edges: {@code /objects/TRACK_ID/RENDITION_ID}. */
  public String objectPath(String trackId) {
    return "/objects/" + trackId + "/" + id;
  }
}
