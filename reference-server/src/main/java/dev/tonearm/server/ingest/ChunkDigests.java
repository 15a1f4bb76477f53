package dev.tonearm.server.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 digests of a file as a whole and of each fixed-size chunk. Immutable.
 *
 * @param sizeBytes file size
 * @param sha256 lower-case hex digest of the whole file
 * @param chunkSha256 lower-case hex digest of each chunk, in order
 */
public record ChunkDigests(long sizeBytes, String sha256, List<String> chunkSha256) {
  public ChunkDigests {
    chunkSha256 = List.copyOf(chunkSha256);
  }

  /** Reads {@code file} once and digests it in chunks of {@code chunkSizeBytes}. */
  public static ChunkDigests of(Path file, int chunkSizeBytes) throws IOException {
    if (chunkSizeBytes <= 0) {
      throw new IllegalArgumentException("chunkSizeBytes must be > 0: " + chunkSizeBytes);
    }
    MessageDigest whole = newSha256();
    List<String> chunks = new ArrayList<>();
    byte[] buffer = new byte[chunkSizeBytes];
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        int read = in.readNBytes(buffer, 0, chunkSizeBytes);
        if (read == 0) {
          break;
        }
        whole.update(buffer, 0, read);
        MessageDigest chunk = newSha256();
        chunk.update(buffer, 0, read);
        chunks.add(HexFormat.of().formatHex(chunk.digest()));
        size += read;
        if (read < chunkSizeBytes) {
          break;
        }
      }
    }
    return new ChunkDigests(size, HexFormat.of().formatHex(whole.digest()), chunks);
  }

  /** Returns the lower-case hex SHA-256 of {@code file}. */
  public static String sha256Of(Path file) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
    }
  }
}
