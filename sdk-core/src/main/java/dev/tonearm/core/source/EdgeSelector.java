package dev.tonearm.core.source;

import dev.tonearm.core.PlaybackException;
import java.util.List;

/**
 * Chooses the CDN edge for each chunk request and learns from the outcome. This is where edge
 * failover plugs in: {@link ChunkLoader} calls it before every network request and reports every
 * success and failure.
 *
 * <p>Threading: implementations must be thread-safe, because the loader calls them from its executor's
 * threads.
 */
public interface EdgeSelector {
  /**
   * Returns the index in {@code edges} of the edge to request {@code chunkIndex} of {@code
   * trackId} from.
   *
   * @param edges the manifest's edge base URLs, never empty
   */
  int selectEdge(List<String> edges, String trackId, int chunkIndex);

  /** Reports a verified chunk of {@code bytes} that took {@code elapsedMs} from {@code edge}. */
  void onTransferSucceeded(String edge, long bytes, long elapsedMs);

  /**
   * Reports a failed request or a chunk that failed verification ({@link
   * PlaybackException#ERROR_CHUNK_CORRUPT}) from {@code edge}.
   */
  void onTransferFailed(String edge, String trackId, int chunkIndex, PlaybackException error);
}
