package dev.tonearm.sync.client;

/** Connection and synchronization state of a {@link SyncClient}, for a status indicator. */
public enum SyncStatus {
  /** Not connected to the server; edits are kept locally and sent later. */
  OFFLINE,
  /** Connected, and some playlist is still loading or has edits the server has not confirmed. */
  SYNCING,
  /** Connected, every open playlist is loaded and every edit is confirmed by the server. */
  SYNCED
}
