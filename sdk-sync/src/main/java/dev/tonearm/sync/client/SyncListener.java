package dev.tonearm.sync.client;

import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.PresenceInfo;
import java.util.List;

/**
 * Receives {@link SyncClient} events. Every method has an empty default.
 *
 * <p>Calls arrive one at a time, in order, on the client's {@link SyncScheduler} thread, never
 * while the client holds its lock, so a listener may call back into the client.
 */
public interface SyncListener {
  /** The status changed. */
  default void onStatusChanged(SyncStatus status) {}

  /** The connection opened; {@code playlists} are those the user can edit, per the server. */
  default void onConnected(List<PlaylistSummary> playlists) {}

  /** The entries, name or deleted flag of an open playlist changed, locally or remotely. */
  default void onPlaylistChanged(String playlistId) {}

  /** The list of users subscribed to an open playlist, or their editing state, changed. */
  default void onPresenceChanged(String playlistId, List<PresenceInfo> editors) {}

  /**
   * An open playlist is soft-deleted: deleted by another user, or edits to it were rejected because
   * it is deleted. Offer the user {@link SyncedPlaylist#restore()} or {@link
   * SyncedPlaylist#copyTo}; pending edits are kept until then.
   */
  default void onPlaylistDeleted(String playlistId, DeletionNotice notice) {}

  /** Something failed; the client keeps running and retries where that makes sense. */
  default void onError(SyncException error) {}
}
