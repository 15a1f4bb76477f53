package dev.tonearm.offline;

import java.io.IOException;
import java.util.Set;

/**
 * Device-bound keys of downloaded tracks, one per track. The DRM module backs it with its encrypted
 * device key store; tests use a directory of files.
 *
 * <p>The download index relies on durability: when {@link #put} returns, the key must survive a
 * crash or power loss, and when {@link #remove} returns, it must be gone. Implementations must be
 * thread-safe.
 */
public interface OfflineKeyStore {
  /** Stores the key durably, replacing an earlier key for the same track. */
  void put(DeviceKey key) throws IOException;

  /** Returns the track's key, or null when none is stored. */
  DeviceKey get(String trackId) throws IOException;

  /** Removes the track's key durably; does nothing when none is stored. */
  void remove(String trackId) throws IOException;

  /** Returns the ids of all tracks with a stored key. */
  Set<String> trackIds() throws IOException;
}
