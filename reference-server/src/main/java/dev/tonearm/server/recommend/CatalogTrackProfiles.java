package dev.tonearm.server.recommend;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Track;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Profiles of the server's catalog. Ingest measures loudness and duration, so those are the only
 * features; tempo and energy are unknown and the feature-spread rule does not apply. Reads the
 * catalog on every call, so newly ingested tracks are recommended at once. Thread-safe because the
 * catalog is.
 */
public final class CatalogTrackProfiles implements TrackProfileSource {
  private final CatalogRepository catalog;

  public CatalogTrackProfiles(CatalogRepository catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  public List<TrackProfile> profiles() {
    return catalog.tracks().stream().map(CatalogTrackProfiles::profile).toList();
  }

  private static TrackProfile profile(Track track) {
    Map<String, Double> features = new HashMap<>();
    features.put(TrackProfile.DURATION_MS, (double) track.durationMs());
    if (track.loudness() != null && Double.isFinite(track.loudness().integratedLufs())) {
      features.put(TrackProfile.LOUDNESS_LUFS, track.loudness().integratedLufs());
    }
    return new TrackProfile(track.id(), track.title(), track.artist(), track.genre(), features);
  }
}
