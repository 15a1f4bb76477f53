package dev.tonearm.offline;

import java.io.IOException;
import java.util.List;

/**
 * The offline calls to the licence server for this device and the signed-in account. The app backs
 * it with its authenticated HTTP client; tests use fakes.
 *
 * <p>A rejection by the server throws {@link OfflineException} with the server's reason code
 * (mapped with {@link OfflineException#reasonForServerCode}). A failure to reach the server throws
 * a plain {@link IOException}, which the SDK retries with backoff. Implementations must be
 * thread-safe; the SDK calls them from its own background threads, never from the caller of a
 * public SDK method.
 */
public interface AuthorisationClient {
  /** Registers this device for offline use. Fails with DEVICE_LIMIT when the account is full. */
  OfflineDevice registerDevice(String displayName) throws IOException;

  /** Lists the account's offline devices. */
  List<OfflineDevice> listDevices() throws IOException;

  /** Deauthorises a device of the account, freeing its slot. */
  void deauthoriseDevice(String deviceId) throws IOException;

  /**
   * Authorises downloads and reserves the tracks against the device's track limit. All or nothing:
   * a rejection reserves none of them.
   */
  DownloadGrant authorise(List<String> trackIds) throws IOException;

  /**
   * Requests device-bound keys for downloaded tracks. The server checks the subscription again, so
   * a subscription cancelled during the download fails here with PREMIUM_REQUIRED.
   */
  KeyGrant requestKeys(List<String> trackIds) throws IOException;

  /**
   * Refreshes the keys of every track the device holds in one request and renews the licence.
   * Tracks the server no longer counts for the device come back as dropped.
   */
  KeyGrant refresh(List<String> heldTrackIds) throws IOException;

  /** Releases deleted tracks so they stop counting against the device's track limit. */
  void release(List<String> trackIds) throws IOException;
}
