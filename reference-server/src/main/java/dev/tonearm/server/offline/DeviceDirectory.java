package dev.tonearm.server.offline;

import java.util.Set;

/**
 * Devices that have registered a key pair with the licence service. The DRM device registry backs
 * this in the server.
 *
 * <p>Being listed here makes a device eligible for offline registration, because keys can only be
 * wrapped for a device whose public key is known. Implementations must be safe to call from any
 * thread.
 */
@FunctionalInterface
public interface DeviceDirectory {
  /** Returns the ids of the account's devices that have a registered key pair. */
  Set<String> deviceIdsOf(String accountId);
}
