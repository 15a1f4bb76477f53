package dev.tonearm.offline;

import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.DeviceIdentity;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * {@link OfflineKeyStore} in the DRM module's {@link DeviceKeyStore}, which keeps keys encrypted at
 * rest under a device-bound key and replaces its file atomically with a forced write, so {@link
 * #put} and {@link #remove} are durable when they return.
 *
 * <p>{@link #put} unwraps the delivered key with this device's private key, which also rejects a
 * key wrapped for another device, and stores the content key under the entry id {@code
 * offline/TRACK_ID/KEY_ID}, so offline keys never collide with the streaming licence keys of the
 * same store. The entries carry no expiry ({@link Long#MAX_VALUE}): the offline licence, which the
 * download index keeps, decides when a track stops playing. {@link #get} wraps the stored key for
 * this device's public key again with RSA-OAEP (SHA-256, MGF1-SHA-256), so it returns a key that
 * unwraps to the same content key but whose bytes differ from the ones passed to {@code put}.
 *
 * <p>The device key store re-encrypts and replaces its whole file on each change, so storing n keys
 * one by one writes O(n^2) bytes. {@link #putAll} and {@link #removeAll} therefore make one change
 * per call: every key of a batch is unwrapped first, then the new entries and the removal of the
 * tracks' entries under other key ids go into one atomic write. A batch is all or nothing: when one
 * key cannot be unwrapped or the write fails, the store keeps its previous keys. {@link #put} and
 * {@link #remove} are batches of one.
 *
 * <p>Thread-safe: every call synchronises on the device key store, except that {@link #putAll}
 * unwraps its keys before it does.
 */
public final class DrmOfflineKeyStore implements OfflineKeyStore {
  /** Prefix of the device key store entries that this class owns. */
  public static final String ENTRY_PREFIX = "offline/";

  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private final DeviceKeyStore store;

  /** Creates a key store over {@code store}; the caller keeps ownership and closes it. */
  public DrmOfflineKeyStore(DeviceKeyStore store) {
    if (store == null) {
      throw new NullPointerException("store is required");
    }
    this.store = store;
  }

  @Override
  public void put(DeviceKey key) throws IOException {
    putAll(Collections.singletonList(key));
  }

  /**
   * Stores the keys in one atomic write of the device key store. When a track occurs more than
   * once, its last key is stored.
   *
   * @throws OfflineException {@code INVALID_GRANT} when a key cannot be unwrapped on this device,
   *     {@code IO_ERROR} when the device key store is closed or its write fails; no key of the
   *     batch is stored then
   */
  @Override
  public void putAll(Collection<DeviceKey> keys) throws IOException {
    // RSA-OAEP unwrapping took about 0.9 ms per key in OfflineKeyStoreBenchmark, so it runs before
    // taking the device key store's lock, which streaming playback also needs. The identity is
    // immutable.
    DeviceIdentity identity = deviceIdentity();
    Map<String, ContentKey> contentByTrack = new LinkedHashMap<>();
    try {
      for (DeviceKey key : keys) {
        ContentKey earlier = contentByTrack.put(key.trackId(), unwrap(identity, key));
        if (earlier != null) {
          earlier.destroy();
        }
      }
      if (contentByTrack.isEmpty()) {
        return;
      }
      synchronized (store) {
        List<String> staleEntries = new ArrayList<>();
        for (String entry : contentKeyIds()) {
          ContentKey content = contentByTrack.get(trackIdOf(entry));
          if (content != null && !content.keyId().equals(entry)) {
            staleEntries.add(entry);
          }
        }
        try {
          store.updateContentKeys(contentByTrack.values(), staleEntries);
        } catch (DrmException e) {
          throw keyStoreFailure("store the keys of " + contentByTrack.size() + " tracks", e);
        }
      }
    } finally {
      for (ContentKey content : contentByTrack.values()) {
        content.destroy();
      }
    }
  }

  @Override
  public DeviceKey get(String trackId) throws IOException {
    synchronized (store) {
      List<String> entries = entriesOf(trackId);
      if (entries.isEmpty()) {
        return null;
      }
      String entry = entries.get(0);
      ContentKey content;
      try {
        content = store.contentKey(entry);
      } catch (DrmException e) {
        throw keyStoreFailure("read the key of track " + trackId, e);
      }
      byte[] keyBytes = content.keyBytes();
      try {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(Cipher.ENCRYPT_MODE, deviceIdentity().publicKey(), OAEP_SHA256);
        String keyId = entry.substring(ENTRY_PREFIX.length() + trackId.length() + 1);
        return new DeviceKey(trackId, keyId, cipher.doFinal(keyBytes));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("RSA-OAEP with SHA-256 is not available", e);
      } finally {
        Arrays.fill(keyBytes, (byte) 0);
        content.destroy();
      }
    }
  }

  @Override
  public void remove(String trackId) throws IOException {
    removeAll(Collections.singletonList(trackId));
  }

  /**
   * Removes the keys of the tracks in one atomic write of the device key store; writes nothing when
   * none of them has a key.
   *
   * @throws OfflineException {@code IO_ERROR} when the device key store is closed or its write
   *     fails; every key is kept then
   */
  @Override
  public void removeAll(Collection<String> trackIds) throws IOException {
    Set<String> tracks = new HashSet<>(trackIds);
    synchronized (store) {
      List<String> entries = new ArrayList<>();
      for (String entry : contentKeyIds()) {
        if (tracks.contains(trackIdOf(entry))) {
          entries.add(entry);
        }
      }
      if (entries.isEmpty()) {
        return;
      }
      try {
        store.deleteContentKeys(entries);
      } catch (DrmException e) {
        throw keyStoreFailure("delete the keys of " + tracks.size() + " tracks", e);
      }
    }
  }

  @Override
  public Set<String> trackIds() throws IOException {
    synchronized (store) {
      Set<String> trackIds = new LinkedHashSet<>();
      for (String entry : contentKeyIds()) {
        String trackId = trackIdOf(entry);
        if (trackId != null) {
          trackIds.add(trackId);
        }
      }
      return trackIds;
    }
  }

  /** Returns the device key store entry id of a track's key. */
  static String entryId(String trackId, String keyId) {
    return ENTRY_PREFIX + trackId + "/" + keyId;
  }

  /**
   * Returns the track id of an entry of this class, or null for another entry. Track ids contain no
   * slash, so the track id ends at the first slash after the prefix.
   */
  private static String trackIdOf(String entry) {
    if (!entry.startsWith(ENTRY_PREFIX)) {
      return null;
    }
    int slash = entry.indexOf('/', ENTRY_PREFIX.length());
    return slash > ENTRY_PREFIX.length() ? entry.substring(ENTRY_PREFIX.length(), slash) : null;
  }

  private static ContentKey unwrap(DeviceIdentity identity, DeviceKey key) throws OfflineException {
    try {
      return identity.unwrapContentKey(
          entryId(key.trackId(), key.keyId()), key.wrappedKey(), Long.MAX_VALUE);
    } catch (DrmException e) {
      throw new OfflineException(
          OfflineException.Reason.INVALID_GRANT,
          "key "
              + key.keyId()
              + " of track "
              + key.trackId()
              + " cannot be unwrapped on this device: "
              + e.getMessage(),
          e);
    }
  }

  private List<String> entriesOf(String trackId) throws OfflineException {
    String prefix = ENTRY_PREFIX + trackId + "/";
    List<String> entries = new ArrayList<>();
    for (String entry : contentKeyIds()) {
      if (entry.startsWith(prefix)) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private List<String> contentKeyIds() throws OfflineException {
    try {
      return store.contentKeyIds();
    } catch (IllegalStateException e) {
      throw new OfflineException(
          OfflineException.Reason.IO_ERROR, "the device key store is closed", e);
    }
  }

  private DeviceIdentity deviceIdentity() throws OfflineException {
    try {
      return store.deviceIdentity();
    } catch (IllegalStateException e) {
      throw new OfflineException(
          OfflineException.Reason.IO_ERROR, "the device key store is closed", e);
    }
  }

  private static OfflineException keyStoreFailure(String action, DrmException e) {
    return new OfflineException(
        OfflineException.Reason.IO_ERROR,
        "cannot " + action + " in the device key store: " + e.getMessage(),
        e);
  }
}
