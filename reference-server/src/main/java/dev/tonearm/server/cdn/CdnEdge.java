package dev.tonearm.server.cdn;

import java.util.concurrent.CompletableFuture;

/**
 * One CDN edge: a name for the {@code X-Tonearm-Edge} header and a private chunk cache in front of
 * the shared {@link OriginShield}.
 *
 * <p>Thread-safe.
 */
public final class CdnEdge {
  private final String name;
  private final CoalescingLruCache<ChunkKey> cache;
  private final OriginShield shield;

  public CdnEdge(String name, long cacheCapacityBytes, OriginShield shield) {
    this.name = name;
    this.cache = new CoalescingLruCache<>(cacheCapacityBytes);
    this.shield = shield;
  }

  /** Edge name such as {@code edge-0}. */
  public String name() {
    return name;
  }

  /** The shield that this edge fetches misses from. */
  public OriginShield shield() {
    return shield;
  }

  /** Returns chunk {@code index} of {@code object} from this edge's cache or the shield. */
  public CompletableFuture<byte[]> chunk(ObjectInfo object, int index) {
    return cache.get(ChunkKey.of(object, index), key -> shield.chunk(object, index));
  }

  /** Counters of this edge's cache. */
  public CoalescingLruCache.Stats stats() {
    return cache.stats();
  }
}
