package dev.tonearm.server.cdn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mid-tier cache that every edge fetches through, so the origin store gets at most one read
 * per chunk while the chunk stays cached here, however many edges miss on it at once. Reads run
 * on the blocking I/O executor, never on an event loop.
 *
 * <p>Thread-safe.
 */
public final class OriginShield {
  private final OriginStore origin;
  private final CoalescingLruCache<ChunkKey> cache;
  private final Executor ioExecutor;
  private final AtomicLong originReads = new AtomicLong();

  public OriginShield(OriginStore origin, long capacityBytes, Executor ioExecutor) {
    this.origin = origin;
    this.cache = new CoalescingLruCache<>(capacityBytes);
    this.ioExecutor = ioExecutor;
  }

  /** The origin store behind the shield. */
  public OriginStore origin() {
    return origin;
  }

  /** Returns chunk {@code index} of {@code object}, reading the origin only on a miss. */
  public CompletableFuture<byte[]> chunk(ObjectInfo object, int index) {
    return cache.get(
        ChunkKey.of(object, index),
        key ->
            CompletableFuture.supplyAsync(
                () -> {
                  originReads.incrementAndGet();
                  try {
                    return origin.readChunk(object, index);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                ioExecutor));
  }

  /** Chunk reads that reached the origin store since creation. */
  public long originReads() {
    return originReads.get();
  }

  /** Counters of the shield's cache. */
  public CoalescingLruCache.Stats stats() {
    return cache.stats();
  }
}
