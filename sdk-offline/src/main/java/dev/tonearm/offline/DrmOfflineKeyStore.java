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
import java.util.LinkedHashSet;
import java.util.List;
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
 * <p>NOTE: the device key store rewrites its whole file on each change, so storing n keys one by
 * one costs O(n^2) bytes written; 10,000 offline keys write about 10,000 files of up to about 1
 * MB.
 *
 * <p>Thread-safe: every call synchronises on the device key store.
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
    synchronized (store) {
      DeviceIdentity identity = deviceIdentity();
      ContentKey content;
      try {
        content =
            identity.unwrapContentKey(
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
      try {
        store.putContentKey(content);
      } catch (DrmException e) {
        throw keyStoreFailure("store the key of track " + key.trackId(), e);
      } finally {
        content.destroy();
      }
      for (String entry : entriesOf(key.trackId())) {
        if (!entry.equals(content.keyId())) {
          deleteEntry(entry);
        }
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
    synchronized (store) {
      for (String entry : entriesOf(trackId)) {
        deleteEntry(entry);
      }
    }
  }

  @Override
  public Set<String> trackIds() throws IOException {
    synchronized (store) {
      Set<String> trackIds = new LinkedHashSet<>();
      for (String entry : contentKeyIds()) {
        if (entry.startsWith(ENTRY_PREFIX)) {
          int slash = entry.indexOf('/', ENTRY_PREFIX.length());
          if (slash > ENTRY_PREFIX.length()) {
            trackIds.add(entry.substring(ENTRY_PREFIX.length(), slash));
          }
        }
      }
      return trackIds;
    }
  }

  /** Returns the device key store entry id of a track's key. */
  static String entryId(String trackId, String keyId) {
    return ENTRY_PREFIX + trackId + "/" + keyId;
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

  private void deleteEntry(String entry) throws OfflineException {
    try {
      store.deleteContentKey(entry);
    } catch (DrmException e) {
      throw keyStoreFailure("delete key entry " + entry, e);
    }
  }

  private static OfflineException keyStoreFailure(String action, DrmException e) {
    return new OfflineException(
        OfflineException.Reason.IO_ERROR,
        "cannot " + action + " in the device key store: " + e.getMessage(),
        e);
  }
}
