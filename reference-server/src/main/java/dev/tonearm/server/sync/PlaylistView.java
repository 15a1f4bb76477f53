package dev.tonearm.server.sync;

import dev.tonearm.sync.PlaylistEntry;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.DeletionNotice;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Read-only copy of a hosted playlist at one moment, for the rest of the server (HTTP API, search)
 * and for tests. Immutable.
 */
public final class PlaylistView {
  private final String id;
  private final String owner;
  private final Set<String> collaborators;
  private final String name;
  private final List<PlaylistEntry> entries;
  private final VersionVector version;
  private final DeletionNotice deletion;

  PlaylistView(
      String id,
      String owner,
      Set<String> collaborators,
      String name,
      List<PlaylistEntry> entries,
      VersionVector version,
      DeletionNotice deletion) {
    this.id = id;
    this.owner = owner;
    this.collaborators = Collections.unmodifiableSet(new LinkedHashSet<>(collaborators));
    this.name = name;
    this.entries = Collections.unmodifiableList(entries);
    this.version = version;
    this.deletion = deletion;
  }

  public String id() {
    return id;
  }

  public String owner() {
    return owner;
  }

  public Set<String> collaborators() {
    return collaborators;
  }

  public String name() {
    return name;
  }

  public List<PlaylistEntry> entries() {
    return entries;
  }

  /** Returns the track ids of the entries in order. */
  public List<String> trackIds() {
    return entries.stream()
        .map(PlaylistEntry::trackId)
        .collect(java.util.stream.Collectors.toList());
  }

  public VersionVector version() {
    return version;
  }

  /** Returns the deletion notice while the playlist is soft-deleted, else null. */
  public DeletionNotice deletion() {
    return deletion;
  }

  public boolean isDeleted() {
    return deletion != null;
  }
}
