package dev.tonearm.offline;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.player.OfflineSource;
import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.CtrDecryptor;
import dev.tonearm.drm.DecryptingByteSource;
import dev.tonearm.drm.DeviceIdentity;
import dev.tonearm.drm.DrmException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * Plays downloaded tracks with no network: the {@link OfflineSource} that a {@code Player} consults
 * before streaming.
 *
 * <pre>{@code
 * Player player =
 *     Player.builder()
 *         .setClient(client)
 *         .setSink(sink)
 *         .setContentDecryption(drm)     // streamed tracks
 *         .setOfflineSource(new OfflinePlayback(offline.catalog(), keyStore.deviceIdentity()))
 *         .build();
 * }</pre>
 *
 * <p>For a track that {@link OfflineCatalog#isAvailable} reports, {@link #open} reads the manifest
 * stored with the download, picks the downloaded rendition, unwraps the track's key with the
 * device's private key and returns an AES-256-CTR decrypting source over the stored object. Other
 * tracks get null, so the player streams them. The offline folder and the streaming cache stay
 * separate: nothing here reads or writes the cache.
 *
 * <p>Thread-safe: each call opens its own file and key.
 */
public final class OfflinePlayback implements OfflineSource {
  private final OfflineCatalog catalog;
  private final DeviceIdentity identity;

  /**
   * @param identity this device's identity, whose private key unwraps the stored keys
   */
  public OfflinePlayback(OfflineCatalog catalog, DeviceIdentity identity) {
    if (catalog == null || identity == null) {
      throw new NullPointerException("catalog and identity are required");
    }
    this.catalog = catalog;
    this.identity = identity;
  }

  @Override
  public StoredTrack open(String trackId) throws PlaybackException {
    if (!catalog.isAvailable(trackId)) {
      return null;
    }
    try {
      OfflineTrack track = catalog.getTrack(trackId);
      byte[] manifestJson = catalog.getManifest(trackId);
      if (manifestJson == null) {
        throw storage(trackId, "no manifest was stored with the download", null);
      }
      Manifest manifest = TonearmClient.parseManifest(manifestJson);
      Rendition rendition = manifest.rendition(track.renditionId());
      if (rendition == null) {
        throw storage(
            trackId, "the stored manifest has no rendition " + track.renditionId(), null);
      }
      Encryption encryption = rendition.encryption();
      if (encryption == null || !encryption.keyId().equals(track.keyId())) {
        throw storage(
            trackId,
            "rendition " + rendition.id() + " is not encrypted with key " + track.keyId(),
            null);
      }
      DeviceKey key = catalog.getKey(trackId);
      return new StoredTrack(manifest, rendition, decrypting(trackId, encryption, key));
    } catch (PlaybackException e) {
      // PlaybackException is an IOException; keep its own reason.
      throw e;
    } catch (OfflineException e) {
      throw storage(trackId, e.getMessage(), e);
    } catch (IOException e) {
      throw storage(trackId, "reading the download failed: " + e, e);
    }
  }

  private ByteSource decrypting(String trackId, Encryption encryption, DeviceKey key)
      throws IOException, PlaybackException {
    if (!Encryption.SCHEME_AES_256_CTR.equals(encryption.scheme())) {
      throw new PlaybackException(
          PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED,
          "track " + trackId + " uses encryption scheme " + encryption.scheme());
    }
    ContentKey contentKey;
    CtrDecryptor decryptor;
    try {
      contentKey = identity.unwrapContentKey(key.keyId(), key.wrappedKey(), Long.MAX_VALUE);
      try {
        decryptor = new CtrDecryptor(contentKey, CtrDecryptor.parseIv(encryption.iv()));
      } finally {
        contentKey.destroy();
      }
    } catch (DrmException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_DRM_KEY_STORE,
          "the stored key of track " + trackId + " cannot be used: " + e.getMessage(),
          e);
    }
    SeekableByteChannel channel = catalog.openEncryptedObject(trackId);
    return new DecryptingByteSource(new ChannelByteSource(channel), decryptor);
  }

  private static PlaybackException storage(String trackId, String detail, Throwable cause) {
    return new PlaybackException(
        PlaybackException.ERROR_OFFLINE_STORAGE,
        "offline track " + trackId + " cannot be opened: " + detail,
        cause);
  }
}
