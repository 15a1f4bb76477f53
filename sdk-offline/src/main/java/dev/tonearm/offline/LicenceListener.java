package dev.tonearm.offline;

import java.io.IOException;

/**
 * Receives offline licence events on the SDK's event thread, in order. Every method has an empty
 * default.
 */
public interface LicenceListener {
  /** The licence moved to another phase, for example from VALID to WARNING on day 24. */
  default void onPhaseChanged(LicenceStatus status) {}

  /** Daily reminder in URGENT (days 28 and 29): the user should go online. */
  default void onReminder(LicenceStatus status) {}

  /** The licence expired and the keys of {@code trackCount} tracks were wiped. */
  default void onKeysWiped(int trackCount) {}

  /** A subscription check failed; every offline track is locked until a refresh succeeds. */
  default void onLocked(OfflineException.Reason reason) {}

  /** A refresh succeeded after a lock; offline tracks play again. */
  default void onUnlocked() {}

  /** A batch refresh delivered keys and renewed the licence. */
  default void onRefreshed(LicenceStatus status, int keyCount) {}

  /**
   * A refresh failed: the server could not be reached, or the refreshed keys or licence could not
   * be stored on the device. It is retried with backoff while online.
   */
  default void onRefreshFailed(IOException error) {}

  /** The server no longer knows this device; every offline track was deleted. */
  default void onDeviceDeauthorised() {}
}
