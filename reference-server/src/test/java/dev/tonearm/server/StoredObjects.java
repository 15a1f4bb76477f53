package dev.tonearm.server;

import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.KeyManagementService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads rendition objects from a data directory in tests, as stored (ciphertext) or decrypted with
 * the track's content key from the key management service. Stateless.
 */
public final class StoredObjects {
  private StoredObjects() {}

  /** Returns the bytes of the rendition's object file as stored. */
  public static byte[] stored(Path objectsDir, Track track, Rendition rendition) throws Exception {
    return Files.readAllBytes(objectsDir.resolve(track.id()).resolve(rendition.fileName()));
  }

  /** Returns the plaintext of the rendition's object, decrypting it with the JDK's AES/CTR. */
  public static byte[] plaintext(
      Path objectsDir, KeyManagementService keys, Track track, Rendition rendition)
      throws Exception {
    byte[] stored = stored(objectsDir, track, rendition);
    if (rendition.encryption() == null) {
      return stored;
    }
    try (ContentKey key = keys.contentKey(rendition.encryption().keyId())) {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key.keyBytes(), "AES"),
          new IvParameterSpec(HexFormat.of().parseHex(rendition.encryption().iv())));
      return cipher.doFinal(stored);
    }
  }

  /** Like {@link #plaintext(Path, KeyManagementService, Track, Rendition)} on a started server. */
  public static byte[] plaintext(
      ReferenceServer server, Path dataDir, String trackId, String renditionId) throws Exception {
    Track track = server.catalog().track(trackId).orElseThrow();
    Rendition rendition = track.rendition(renditionId).orElseThrow();
    return plaintext(
        new DataDirectory(dataDir).objectsDir(), server.keyManagement(), track, rendition);
  }
}
