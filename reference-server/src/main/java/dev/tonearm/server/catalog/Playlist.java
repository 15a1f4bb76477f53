package dev.tonearm.server.catalog;

import java.util.List;

/**
 * An ordered list of track ids. Immutable.
 *
 * @param id playlist id used in {@code /v1/playlists/{id}}
 * @param name display name
 * @param trackIds track ids in play order
 */
public record Playlist(String id, String name, List<String> trackIds) {
  public Playlist {
    trackIds = List.copyOf(trackIds);
  }
}
