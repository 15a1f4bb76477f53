package dev.tonearm.sync.client;

import dev.tonearm.sync.VersionVector;

/** A playlist the user can edit, as the server listed it when the connection opened. Immutable. */
public final class PlaylistSummary {
  private final String playlistId;
  private final VersionVector version;
  private final boolean deleted;
  private final String role;

  PlaylistSummary(String playlistId, VersionVector version, boolean deleted, String role) {
    this.playlistId = playlistId;
    this.version = version;
    this.deleted = deleted;
    this.role = role;
  }

  public String playlistId() {
    return playlistId;
  }

  /** Returns the server's version vector of the playlist. */
  public VersionVector version() {
    return version;
  }

  public boolean isDeleted() {
    return deleted;
  }

  /** Returns {@code owner} or {@code collaborator}. */
  public String role() {
    return role;
  }

  @Override
  public String toString() {
    return playlistId + "(" + role + (deleted ? ", deleted" : "") + ") " + version;
  }
}
