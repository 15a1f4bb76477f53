package dev.tonearm.core.source;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Default {@link EdgeSelector}: stays on one edge while it works, and moves to the next edge in
 * manifest order when a transfer from it fails. A failed edge is excluded for {@code exclusionMs}
 * (default {@value #DEFAULT_EXCLUSION_MS} ms, on the injected {@link Clock}) and is chosen again
 * only after that, or when every edge is excluded.
 *
 * <p>Rules of {@link #selectEdge}: the preferred edge while it is not excluded; otherwise the first
 * edge after it in manifest order (wrapping) that is not excluded, which becomes preferred;
 * otherwise, when every edge is excluded, the one whose exclusion ends first. A success on an edge
 * lifts its exclusion. {@link ChunkLoader} ends a failover round when the selector returns an edge
 * already tried for the chunk in that round.
 *
 * <p>Threading: thread-safe; state is guarded by this.
 */
public final class FailoverEdgeSelector implements EdgeSelector {
  /** Time a failed edge stays excluded: 30000 ms. */
  public static final long DEFAULT_EXCLUSION_MS = 30_000;

  private final Clock clock;
  private final long exclusionMs;

  // Guarded by this.
  private final Map<String, Long> excludedUntilMs = new HashMap<>();
  private String preferredEdge;

  /** Creates a selector with {@link #DEFAULT_EXCLUSION_MS} on {@code clock}. */
  public FailoverEdgeSelector(Clock clock) {
    this(clock, DEFAULT_EXCLUSION_MS);
  }

  /**
   * Creates a selector.
   *
   * @param clock time source of the exclusions
   * @param exclusionMs how long a failed edge is avoided, at least 0
   */
  public FailoverEdgeSelector(Clock clock, long exclusionMs) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (exclusionMs < 0) {
      throw new IllegalArgumentException("exclusionMs must be >= 0: " + exclusionMs);
    }
    this.exclusionMs = exclusionMs;
  }

  @Override
  public synchronized int selectEdge(List<String> edges, String trackId, int chunkIndex) {
    long nowMs = clock.elapsedRealtimeMs();
    int preferred = preferredEdge == null ? -1 : edges.indexOf(preferredEdge);
    if (preferred >= 0 && !isExcluded(preferredEdge, nowMs)) {
      return preferred;
    }
    int start = preferred >= 0 ? preferred + 1 : 0;
    for (int i = 0; i < edges.size(); i++) {
      int candidate = (start + i) % edges.size();
      if (!isExcluded(edges.get(candidate), nowMs)) {
        preferredEdge = edges.get(candidate);
        return candidate;
      }
    }
    int soonest = 0;
    for (int i = 1; i < edges.size(); i++) {
      if (excludedUntil(edges.get(i)) < excludedUntil(edges.get(soonest))) {
        soonest = i;
      }
    }
    return soonest;
  }

  @Override
  public synchronized void onTransferSucceeded(String edge, long bytes, long elapsedMs) {
    excludedUntilMs.remove(edge);
    if (preferredEdge == null) {
      preferredEdge = edge;
    }
  }

  @Override
  public synchronized void onTransferFailed(
      String edge, String trackId, int chunkIndex, PlaybackException error) {
    excludedUntilMs.put(edge, clock.elapsedRealtimeMs() + exclusionMs);
  }

  /** Returns whether {@code edge} is excluded now. */
  public synchronized boolean isExcluded(String edge) {
    return isExcluded(edge, clock.elapsedRealtimeMs());
  }

  private boolean isExcluded(String edge, long nowMs) {
    Long until = excludedUntilMs.get(edge);
    return until != null && nowMs < until;
  }

  private long excludedUntil(String edge) {
    Long until = excludedUntilMs.get(edge);
    return until != null ? until : Long.MIN_VALUE;
  }
}
