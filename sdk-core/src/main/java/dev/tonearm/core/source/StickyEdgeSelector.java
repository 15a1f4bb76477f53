package dev.tonearm.core.source;

import dev.tonearm.core.PlaybackException;
import java.util.List;

/**
 * An {@link EdgeSelector} that uses the manifest's first edge and stays on an edge until a
 * transfer from it fails, then moves to the next edge in manifest order. It never excludes an edge
 * for a time; {@link FailoverEdgeSelector} does.
 *
 * <p>Threading: thread-safe.
 */
public final class StickyEdgeSelector implements EdgeSelector {
  private String preferredEdge; // Guarded by this.
  private String failedEdge; // Guarded by this.

  @Override
  public synchronized int selectEdge(List<String> edges, String trackId, int chunkIndex) {
    int preferred = preferredEdge == null ? -1 : edges.indexOf(preferredEdge);
    if (preferred >= 0) {
      return preferred;
    }
    int failed = failedEdge == null ? -1 : edges.indexOf(failedEdge);
    int chosen = failed >= 0 ? (failed + 1) % edges.size() : 0;
    preferredEdge = edges.get(chosen);
    return chosen;
  }

  @Override
  public synchronized void onTransferSucceeded(String edge, long bytes, long elapsedMs) {}

  @Override
  public synchronized void onTransferFailed(
      String edge, String trackId, int chunkIndex, PlaybackException error) {
    if (edge.equals(preferredEdge)) {
      failedEdge = edge;
      preferredEdge = null;
    }
  }
}
