package dev.tonearm.bench;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.Quality;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Player} at {@link Quality#VERY_HIGH} with what the playback benchmarks observe from
 * outside the SDK: the {@link System#nanoTime()} of each decoder creation, the rendition chosen per
 * track, the first player error, the end of the queue, and a loader thread of its own whose CPU
 * time can be read.
 *
 * <p>Threading: create, play and close on one thread. The getters may be called from any thread.
 */
final class InstrumentedPlayer implements AutoCloseable {
  private static final long LOADER_SHUTDOWN_TIMEOUT_MS = 5_000;
  private static final long RENDITION_POLL_MS = 5;

  private final Player player;
  private final ExecutorService loaderExecutor;
  private final AtomicReference<Thread> loaderThread = new AtomicReference<>();
  private final List<Long> decoderOpenNanos = new CopyOnWriteArrayList<>();
  private final Map<String, Rendition> renditions = new ConcurrentHashMap<>();
  private final AtomicReference<PlaybackException> error = new AtomicReference<>();
  private final CountDownLatch endedOrFailed = new CountDownLatch(1);

  /**
   * Builds the player and starts its threads.
   *
   * @param cache the streaming cache, or null for none
   * @param decryption the decryption stage for encrypted renditions
   */
  InstrumentedPlayer(
      TonearmClient client, RecordingSink sink, StreamCache cache, ContentDecryption decryption) {
    loaderExecutor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, Player.LOADER_THREAD_NAME);
              thread.setDaemon(true);
              loaderThread.set(thread);
              return thread;
            });
    player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setQuality(Quality.VERY_HIGH)
            .setCache(cache)
            .setContentDecryption(decryption)
            .setLoaderExecutor(loaderExecutor)
            .setDecoderFactory(
                (codec, source) -> {
                  decoderOpenNanos.add(System.nanoTime());
                  return Decoders.open(codec, source);
                })
            .build();
    player.addListener(
        new Player.Listener() {
          @Override
          public void onStateChanged(Player.State state) {
            if (state == Player.State.ENDED) {
              endedOrFailed.countDown();
            }
          }

          @Override
          public void onRenditionSelected(String trackId, Rendition rendition) {
            renditions.put(trackId, rendition);
          }

          @Override
          public void onPlayerError(PlaybackException playbackError) {
            error.compareAndSet(null, playbackError);
            endedOrFailed.countDown();
          }
        });
  }

  Player player() {
    return player;
  }

  /** Waits up to {@code timeoutMs} for the queue to end or fail and returns whether it did. */
  boolean awaitEndOrError(long timeoutMs) throws InterruptedException {
    return endedOrFailed.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Returns the {@link System#nanoTime()} of each decoder creation, in order. */
  List<Long> decoderOpenNanos() {
    return decoderOpenNanos;
  }

  /** Returns the rendition announced for {@code trackId}, or null. */
  Rendition rendition(String trackId) {
    return renditions.get(trackId);
  }

  /**
   * Waits up to {@code timeoutMs} for the rendition event of {@code trackId}, which the listener
   * thread may deliver after the track's first frames, and returns whether it arrived.
   */
  boolean awaitRendition(String trackId, long timeoutMs) throws InterruptedException {
    long deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000;
    while (!renditions.containsKey(trackId)) {
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      Thread.sleep(RENDITION_POLL_MS);
    }
    return true;
  }

  /** Returns the first player error, or null. */
  PlaybackException error() {
    return error.get();
  }

  /** Returns the loader thread, or null before the first chunk request. */
  Thread loaderThread() {
    return loaderThread.get();
  }

  /** Releases the player and waits for its loader thread to finish. */
  @Override
  public void close() throws InterruptedException {
    player.release();
    loaderExecutor.shutdownNow();
    if (!loaderExecutor.awaitTermination(LOADER_SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "the loader thread did not stop within " + LOADER_SHUTDOWN_TIMEOUT_MS + " ms");
    }
  }
}
