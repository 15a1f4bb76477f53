package dev.tonearm.server.drm;

import java.util.List;

/**
 * Result of {@link ContentEncryptor#encrypt}: what a manifest rendition needs about the encrypted
 * object.
 *
 * @param encryption the rendition's {@code encryption} field
 * @param sizeBytes size of the encrypted object, equal to the plaintext size (CTR adds nothing)
 * @param sha256 SHA-256 of the whole encrypted object, lower-case hex
 * @param chunkSizeBytes chunk size used for {@code chunkSha256}
 * @param chunkSha256 SHA-256 of each chunk of the encrypted object, lower-case hex
 */
public record EncryptedObject(
    EncryptionInfo encryption,
    long sizeBytes,
    String sha256,
    int chunkSizeBytes,
    List<String> chunkSha256) {
  public EncryptedObject {
    chunkSha256 = List.copyOf(chunkSha256);
  }
}
