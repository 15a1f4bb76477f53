package dev.tonearm.offline;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * Device-bound keys of downloaded tracks, one per track. The DRM module backs it with its encrypted
 * device key store; tests use a directory of files.
 *
 * <p>The download index relies on durability: when {@link #put} or {@link #putAll} returns, the
 * keys must survive a crash or power loss, and when {@link #remove} or {@link #removeAll} returns,
 * they must be gone. Implementations must be thread-safe.
 */
public interface OfflineKeyStore {
  /** Stores the key durably, replacing an earlier key for the same track. */
  void put(DeviceKey key) throws IOException;

  /**
   * Stores the keys durably, replacing earlier keys for the same tracks. The SDK calls this for
   * every key request and licence refresh, which may carry thousands of keys.
   *
   * <p>The default calls {@link #put} for each key, so after a failure the keys before the failed
   * one are stored. Implementations whose every write rewrites a whole file override it to write
   * once.
   */
  default void putAll(Collection<DeviceKey> keys) throws IOException {
    for (DeviceKey key : keys) {
      put(key);
    }
  }

  /** Returns the track's key, or null when none is stored. */
  DeviceKey get(String trackId) throws IOException;

  /** Removes the track's key durably; does nothing when none is stored. */
  void remove(String trackId) throws IOException;

  /**
   * Removes the keys of the tracks durably, skipping tracks without a key. The default calls {@link
   * #remove} for each track, so after a failure the keys before the failed one are removed.
   */
  default void removeAll(Collection<String> trackIds) throws IOException {
    for (String trackId : trackIds) {
      remove(trackId);
    }
  }

  /** Returns the ids of all tracks with a stored key. */
  Set<String> trackIds() throws IOException;
}
