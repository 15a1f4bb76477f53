package dev.tonearm.server.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescingLruCacheTest {
  private final AtomicInteger loads = new AtomicInteger();

  private CompletableFuture<byte[]> load(String key) {
    loads.incrementAndGet();
    return CompletableFuture.completedFuture(new byte[10]);
  }

  @Test
  void repeatedGet_loadsOnce() {
    CoalescingLruCache<String> cache = new CoalescingLruCache<>(100);

    cache.get("a", this::load).join();
    cache.get("a", this::load).join();

    assertThat(loads).hasValue(1);
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  void concurrentMisses_shareOneLoad() {
    CoalescingLruCache<String> cache = new CoalescingLruCache<>(100);
    CompletableFuture<byte[]> pending = new CompletableFuture<>();
    List<CompletableFuture<byte[]>> waiting = new ArrayList<>();

    for (int i = 0; i < 5; i++) {
      waiting.add(
          cache.get(
              "a",
              key -> {
                loads.incrementAndGet();
                return pending;
              }));
    }
    byte[] value = new byte[3];
    pending.complete(value);

    assertThat(loads).hasValue(1);
    assertThat(cache.stats().coalesced()).isEqualTo(4);
    for (CompletableFuture<byte[]> future : waiting) {
      assertThat(future.join()).isSameAs(value);
    }
  }

  @Test
  void overCapacity_evictsLeastRecentlyUsed() {
    CoalescingLruCache<String> cache = new CoalescingLruCache<>(25);
    cache.get("a", this::load).join();
    cache.get("b", this::load).join();
    cache.get("a", this::load).join();

    cache.get("c", this::load).join();
    cache.get("a", this::load).join();
    cache.get("b", this::load).join();

    assertThat(loads).as("a, b, c, then b again after its eviction").hasValue(4);
    assertThat(cache.stats().sizeBytes()).isLessThanOrEqualTo(25);
    assertThat(cache.stats().evictions()).isEqualTo(2);
  }

  @Test
  void valueLargerThanCapacity_isReturnedButNotStored() {
    CoalescingLruCache<String> cache = new CoalescingLruCache<>(5);

    assertThat(cache.get("a", this::load).join()).hasSize(10);
    cache.get("a", this::load).join();

    assertThat(loads).hasValue(2);
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void failedLoad_failsWaitersAndIsRetried() {
    CoalescingLruCache<String> cache = new CoalescingLruCache<>(100);

    CompletableFuture<byte[]> failed =
        cache.get("a", key -> CompletableFuture.failedFuture(new IOException("disk")));

    assertThatThrownBy(failed::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThat(cache.get("a", this::load).join()).hasSize(10);
    assertThat(loads).hasValue(1);
  }
}
