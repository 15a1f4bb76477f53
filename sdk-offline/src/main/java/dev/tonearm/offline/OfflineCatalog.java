package dev.tonearm.offline;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

/**
 * Lookup of downloaded tracks for the player, with no network access.
 *
 * <p>A track is playable when its file is complete and verified, its key is stored, the licence is
 * not expired and offline tracks are not locked. Every method checks this at call time against the
 * injected clock. Thread-safe; methods do file I/O, so call them off the main thread.
 */
public interface OfflineCatalog {
  /** Returns whether the track is playable offline now. */
  boolean isAvailable(String trackId);

  /** Returns the ids of every track playable offline now, in download order. */
  List<String> availableTrackIds();

  /**
   * Returns the object description of a playable track.
   *
   * @throws OfflineException with NOT_DOWNLOADED, SUBSCRIPTION_LOCKED or LICENCE_EXPIRED
   */
  OfflineTrack getTrack(String trackId) throws OfflineException;

  /**
   * Opens the encrypted object of a playable track for random-access reading. The caller closes the
   * channel.
   *
   * @throws OfflineException with NOT_DOWNLOADED, SUBSCRIPTION_LOCKED or LICENCE_EXPIRED
   */
  SeekableByteChannel openEncryptedObject(String trackId) throws IOException;

  /**
   * Returns the device-bound key of a playable track.
   *
   * @throws OfflineException with NOT_DOWNLOADED, SUBSCRIPTION_LOCKED or LICENCE_EXPIRED
   */
  DeviceKey getKey(String trackId) throws IOException;

  /**
   * Returns the track manifest stored with the download, or null when the authorisation carried
   * none.
   *
   * @throws OfflineException with NOT_DOWNLOADED, SUBSCRIPTION_LOCKED or LICENCE_EXPIRED
   */
  byte[] getManifest(String trackId) throws IOException;
}
