package dev.tonearm.server.offline;

import java.util.Optional;

/**
 * Finds the downloadable object of a track. The catalog backs this in the server, choosing the
 * rendition used for downloads and building URLs from the CDN edges and the object path.
 *
 * <p>Implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface OfflineObjectLocator {
  /** Returns the track's downloadable object, or empty when the track is not in the catalog. */
  Optional<OfflineObject> locate(String trackId);
}
