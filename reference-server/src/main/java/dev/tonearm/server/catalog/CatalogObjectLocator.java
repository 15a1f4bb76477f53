package dev.tonearm.server.catalog;

import dev.tonearm.server.offline.OfflineObject;
import dev.tonearm.server.offline.OfflineObjectLocator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Backs the offline service's {@link OfflineObjectLocator} with the catalog. The download is the
 * encrypted Vorbis rendition with the highest bitrate, or, for a track without one, the encrypted
 * rendition with the highest bitrate. Its URLs are {@code EDGE + /objects/TRACK/RENDITION} on
 * every edge in edge order. Plain objects (data directories not yet migrated) are never offered,
 * so a track with only plain renditions is reported as not found.
 *
 * <p>Thread-safe if the catalog is.
 */
public final class CatalogObjectLocator implements OfflineObjectLocator {
  private final CatalogRepository catalog;
  private final Supplier<List<String>> edgeUrls;

  /**
   * @param edgeUrls base URLs of the CDN edges, read on each call
   */
  public CatalogObjectLocator(CatalogRepository catalog, Supplier<List<String>> edgeUrls) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.edgeUrls = Objects.requireNonNull(edgeUrls, "edgeUrls");
  }

  @Override
  public Optional<OfflineObject> locate(String trackId) {
    return catalog.track(trackId).flatMap(CatalogObjectLocator::downloadRendition).map(
        rendition -> toObject(trackId, rendition));
  }

  /** Returns the rendition that devices download for offline playback, as the class describes. */
  public static Optional<Rendition> downloadRendition(Track track) {
    Comparator<Rendition> byBitrate = Comparator.comparingInt(Rendition::bitrateKbps);
    List<Rendition> encrypted =
        track.renditions().stream().filter(rendition -> rendition.encryption() != null).toList();
    Optional<Rendition> vorbis =
        encrypted.stream().filter(rendition -> "vorbis".equals(rendition.codec())).max(byBitrate);
    return vorbis.isPresent() ? vorbis : encrypted.stream().max(byBitrate);
  }

  private OfflineObject toObject(String trackId, Rendition rendition) {
    List<String> urls = new ArrayList<>();
    for (String edge : edgeUrls.get()) {
      urls.add(edge + rendition.objectPath(trackId));
    }
    return new OfflineObject(
        trackId,
        rendition.id(),
        rendition.encryption().keyId(),
        urls,
        rendition.sizeBytes(),
        rendition.chunkSizeBytes(),
        rendition.chunkSha256());
  }
}
