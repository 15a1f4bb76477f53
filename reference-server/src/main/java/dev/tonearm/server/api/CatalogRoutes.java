package dev.tonearm.server.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Loudness;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.SeekPoint;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.EncryptionInfo;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Supplier;

/**
 * Registers the catalog routes: {@code GET /v1/tracks}, {@code GET /v1/playlists/{id}} and {@code
 * GET /v1/tracks/{id}/manifest}. Free accounts see only the renditions that are not premium-only.
 */
public final class CatalogRoutes {
  /** One entry of {@code GET /v1/tracks}. */
  @JsonPropertyOrder({"id", "title", "artist", "album", "genre", "durationMs"})
  public record TrackSummary(
      String id, String title, String artist, String album, String genre, long durationMs) {}

  /** Body of {@code GET /v1/tracks}. */
  public record TrackList(List<TrackSummary> tracks) {}

  /** One rendition in a manifest. */
  @JsonPropertyOrder({
    "id", "codec", "bitrateKbps", "container", "sampleRateHz", "channels", "totalFrames",
    "sizeBytes", "chunkSizeBytes", "chunkSha256", "encryption", "objectPath", "seekIndex"
  })
  public record ManifestRendition(
      String id,
      String codec,
      int bitrateKbps,
      String container,
      long sampleRateHz,
      int channels,
      long totalFrames,
      long sizeBytes,
      int chunkSizeBytes,
      List<String> chunkSha256,
      EncryptionInfo encryption,
      String objectPath,
      List<SeekPoint> seekIndex) {}

  /** Body of {@code GET /v1/tracks/{id}/manifest}. */
  @JsonPropertyOrder({
    "trackId", "title", "artist", "album", "genre", "durationMs", "loudness", "edges", "renditions"
  })
  public record Manifest(
      String trackId,
      String title,
      String artist,
      String album,
      String genre,
      long durationMs,
      Loudness loudness,
      List<String> edges,
      List<ManifestRendition> renditions) {}

  private CatalogRoutes() {}

  /**
   * Adds the catalog routes to {@code router}.
   *
   * @param edgeUrls base URLs of the CDN edges, read on each manifest request
   */
  public static void register(
      Router.Builder router, CatalogRepository catalog, Supplier<List<String>> edgeUrls) {
    router.authenticated(
        HttpMethod.GET,
        "/v1/tracks",
        request ->
            ApiResponse.ok(
                new TrackList(catalog.tracks().stream().map(CatalogRoutes::summarize).toList())));
    router.authenticated(
        HttpMethod.GET,
        "/v1/playlists/{id}",
        request -> {
          String id = request.pathParameter("id");
          Playlist playlist =
              catalog
                  .playlist(id)
                  .orElseThrow(
                      () -> new ApiException(ErrorCode.NOT_FOUND, "no playlist with id " + id));
          return ApiResponse.ok(playlist);
        });
    router.authenticated(
        HttpMethod.GET,
        "/v1/tracks/{id}/manifest",
        request -> {
          String id = request.pathParameter("id");
          Track track =
              catalog
                  .track(id)
                  .orElseThrow(
                      () -> new ApiException(ErrorCode.NOT_FOUND, "no track with id " + id));
          return ApiResponse.ok(manifest(track, request.principal(), edgeUrls.get()));
        });
  }

  private static TrackSummary summarize(Track track) {
    return new TrackSummary(
        track.id(), track.title(), track.artist(), track.album(), track.genre(), track.durationMs());
  }

  /** Builds the manifest of {@code track} as {@code principal} may see it. */
  static Manifest manifest(Track track, Principal principal, List<String> edges) {
    List<ManifestRendition> renditions =
        track.renditions().stream()
            .filter(rendition -> principal.isPremium() || !rendition.premiumOnly())
            .map(rendition -> toManifest(track, rendition))
            .toList();
    return new Manifest(
        track.id(),
        track.title(),
        track.artist(),
        track.album(),
        track.genre(),
        track.durationMs(),
        track.loudness(),
        List.copyOf(edges),
        renditions);
  }

  private static ManifestRendition toManifest(Track track, Rendition rendition) {
    return new ManifestRendition(
        rendition.id(),
        rendition.codec(),
        rendition.bitrateKbps(),
        rendition.container(),
        rendition.sampleRateHz(),
        rendition.channels(),
        rendition.totalFrames(),
        rendition.sizeBytes(),
        rendition.chunkSizeBytes(),
        rendition.chunkSha256(),
        rendition.encryption(),
        rendition.objectPath(track.id()),
        rendition.seekIndex());
  }
}
