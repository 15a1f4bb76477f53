package dev.tonearm.server.cdn;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A least-recently-used cache of byte arrays bounded by their total size, with request
 * coalescing: while a value is being loaded, further requests for the same key wait for that load
 * instead of starting another one.
 *
 * <p>Values larger than the capacity are returned but not stored. A failed load is not cached;
 * every request that waited for it fails with the same exception.
 *
 * <p>Thread-safe: one lock guards the map, the in-flight table and the counters. Loaders run
 * outside the lock, on the calling thread, and complete on whatever thread finishes the load.
 *
 * @param <K> key type with value semantics
 */
public final class CoalescingLruCache<K> {
  /** Counters since creation. Immutable snapshot. */
  public record Stats(
      long hits, long misses, long coalesced, long evictions, long sizeBytes, int entries) {}

  private final long capacityBytes;

  /** Guarded by {@code this}; iteration order is least recently used first. */
  private final LinkedHashMap<K, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);

  /** Guarded by {@code this}. */
  private final Map<K, CompletableFuture<byte[]>> loading = new HashMap<>();

  private long sizeBytes;
  private long hits;
  private long misses;
  private long coalesced;
  private long evictions;

  /** Creates a cache holding at most {@code capacityBytes} of values (0 disables storing). */
  public CoalescingLruCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacityBytes must be >= 0: " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
  }

  /**
   * Returns the cached value of {@code key}, or joins its running load, or starts a load with
   * {@code loader}.
   */
  public CompletableFuture<byte[]> get(K key, Function<K, CompletableFuture<byte[]>> loader) {
    CompletableFuture<byte[]> result;
    synchronized (this) {
      byte[] cached = entries.get(key);
      if (cached != null) {
        hits++;
        return CompletableFuture.completedFuture(cached);
      }
      CompletableFuture<byte[]> running = loading.get(key);
      if (running != null) {
        coalesced++;
        return running.copy();
      }
      misses++;
      result = new CompletableFuture<>();
      loading.put(key, result);
    }
    CompletableFuture<byte[]> load;
    try {
      load = loader.apply(key);
    } catch (RuntimeException e) {
      load = CompletableFuture.failedFuture(e);
    }
    load.whenComplete(
        (value, failure) -> {
          synchronized (this) {
            loading.remove(key);
            if (failure == null) {
              store(key, value);
            }
          }
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(value);
          }
        });
    return result.copy();
  }

  /** Returns a snapshot of the counters. */
  public synchronized Stats stats() {
    return new Stats(hits, misses, coalesced, evictions, sizeBytes, entries.size());
  }

  /** Maximum total size of stored values. */
  public long capacityBytes() {
    return capacityBytes;
  }

  private void store(K key, byte[] value) {
    if (value.length > capacityBytes) {
      return;
    }
    byte[] previous = entries.put(key, value);
    if (previous != null) {
      sizeBytes -= previous.length;
    }
    sizeBytes += value.length;
    Iterator<Map.Entry<K, byte[]>> eldest = entries.entrySet().iterator();
    while (sizeBytes > capacityBytes && eldest.hasNext()) {
      Map.Entry<K, byte[]> entry = eldest.next();
      sizeBytes -= entry.getValue().length;
      eldest.remove();
      evictions++;
    }
  }
}
