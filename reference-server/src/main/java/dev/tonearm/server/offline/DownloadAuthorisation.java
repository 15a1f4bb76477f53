package dev.tonearm.server.offline;

import java.util.List;

/**
 * A successful download authorisation: what to download and where.
 *
 * <p>It carries no keys. The device requests them after the download with {@link
 * OfflineService#issueKeys}, which checks the subscription again.
 *
 * @param deviceId the device the tracks are reserved on
 * @param objects one object per requested track, in request order
 * @param heldTracks tracks now counted on the device, including these
 * @param maxTracks the device's track limit
 */
public record DownloadAuthorisation(
    String deviceId, List<OfflineObject> objects, int heldTracks, int maxTracks) {
  public DownloadAuthorisation {
    objects = List.copyOf(objects);
  }
}
