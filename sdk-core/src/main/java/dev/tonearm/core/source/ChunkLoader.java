package dev.tonearm.core.source;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.buffer.BufferPolicy;
import dev.tonearm.core.buffer.LoadPriority;
import dev.tonearm.core.cache.ChunkKey;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.quality.BandwidthMeter;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads verified chunks into {@link TrackStream}s: the current track's stream, filled to the
 * buffer target, and the next track's stream, filled with its first seconds.
 *
 * <p>Scheduling. One chunk is loaded at a time, as one task on the executor. After each chunk the
 * loader chooses the next one in this order:
 *
 * <ol>
 *   <li>a chunk that the current track's reader is blocked on, or that a seek asked for;
 *   <li>a chunk that the next track's reader is blocked on (its decoder reading headers);
 *   <li>while the current track's {@link BufferPolicy#loadPriority} is {@link
 *       LoadPriority#URGENT}: the current track's next missing chunk;
 *   <li>otherwise the current track's next chunk (while below the target) and the next track's
 *       next chunk (while below the prefetch amount) take turns, which is the balanced
 *       background fill.
 * </ol>
 *
 * <p>For each chunk the loader first looks in the {@link StreamCache}. On a miss it gets an edge
 * from the {@link EdgeSelector}, sends a range request, feeds the {@link BandwidthMeter}, checks the
 * chunk's SHA-256 and only then hands the bytes to the stream and the cache. A failed request or a
 * digest mismatch marks the stream failed with the reason code, and the failed chunk's bytes go
 * nowhere.
 *
 * <p>Threading: thread-safe. Chunk tasks run on the executor. {@link Listener} callbacks run on
 * the thread that changed the state, while the loader's lock is held, so they must return quickly
 * and must not call back into the loader.
 */
public final class ChunkLoader implements Closeable {
  /** Per-stream limit of chunk bytes held in memory: 16 MiB. */
  public static final long DEFAULT_MAX_RETAINED_BYTES = 16L * 1024 * 1024;

  /** Loader events. */
  public interface Listener {
    /** Called when the loader starts or stops having chunks to load. */
    default void onLoadingChanged(boolean loading) {}

    /** Called before the first request of {@code trackId} to an edge it did not use before. */
    default void onEdgeSelected(String trackId, String edgeBaseUrl) {}
  }

  /** Builder of {@link ChunkLoader}. */
  public static final class Builder {
    private OkHttpClient httpClient;
    private Executor executor;
    private BufferPolicy bufferPolicy = BufferPolicy.defaults();
    private EdgeSelector edgeSelector;
    private BandwidthMeter bandwidthMeter;
    private StreamCache cache;
    private Clock clock = Clock.SYSTEM;
    private Listener listener = new Listener() {};
    private long maxRetainedBytes = DEFAULT_MAX_RETAINED_BYTES;

    /**
     * Sets the client for edge requests. It must add the bearer token, as {@code
     * TonearmClient.httpClient()} does. Required.
     */
    public Builder setHttpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Sets the executor that runs chunk tasks. Required. */
    public Builder setExecutor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the buffer thresholds. Default {@link BufferPolicy#defaults()}. */
    public Builder setBufferPolicy(BufferPolicy bufferPolicy) {
      this.bufferPolicy = Objects.requireNonNull(bufferPolicy, "bufferPolicy");
      return this;
    }

    /** Sets the edge choice. Default a new {@link StickyEdgeSelector}. */
    public Builder setEdgeSelector(EdgeSelector edgeSelector) {
      this.edgeSelector = Objects.requireNonNull(edgeSelector, "edgeSelector");
      return this;
    }

    /** Sets the meter that network transfers feed. Default a new {@link BandwidthMeter}. */
    public Builder setBandwidthMeter(BandwidthMeter bandwidthMeter) {
      this.bandwidthMeter = Objects.requireNonNull(bandwidthMeter, "bandwidthMeter");
      return this;
    }

    /** Sets the streaming cache, or null for none. Default none. */
    public Builder setCache(StreamCache cache) {
      this.cache = cache;
      return this;
    }

    /** Sets the clock that times transfers. Default {@link Clock#SYSTEM}. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the event listener. Default none. */
    public Builder setListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the per-stream limit of chunk bytes in memory. Default {@link
     * #DEFAULT_MAX_RETAINED_BYTES}.
     */
    public Builder setMaxRetainedBytes(long maxRetainedBytes) {
      if (maxRetainedBytes <= 0) {
        throw new IllegalArgumentException("maxRetainedBytes must be > 0: " + maxRetainedBytes);
      }
      this.maxRetainedBytes = maxRetainedBytes;
      return this;
    }

    public ChunkLoader build() {
      if (httpClient == null || executor == null) {
        throw new IllegalStateException("httpClient and executor are required");
      }
      return new ChunkLoader(this);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ChunkLoader.class);

  private final ChunkFetcher fetcher;
  private final Executor executor;
  private final BufferPolicy policy;
  private final EdgeSelector edgeSelector;
  private final BandwidthMeter bandwidthMeter;
  private final StreamCache cache;
  private final Clock clock;
  private final Listener listener;
  private final long maxRetainedBytes;

  // Guarded by this.
  private TrackStream current;
  private TrackStream next;
  private boolean taskRunning;
  private boolean loading;
  private boolean nextTakesTurn;
  private boolean closed;

  private ChunkLoader(Builder builder) {
    this.fetcher = new ChunkFetcher(builder.httpClient);
    this.executor = builder.executor;
    this.policy = builder.bufferPolicy;
    this.edgeSelector =
        builder.edgeSelector != null ? builder.edgeSelector : new StickyEdgeSelector();
    this.bandwidthMeter =
        builder.bandwidthMeter != null ? builder.bandwidthMeter : new BandwidthMeter();
    this.cache = builder.cache;
    this.clock = builder.clock;
    this.listener = builder.listener;
    this.maxRetainedBytes = builder.maxRetainedBytes;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a stream for {@code rendition} after checking it. The stream loads nothing until it
   * is made current or next. For an encrypted rendition the stream holds the verified ciphertext.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_MANIFEST_INVALID} from {@link
   *     RenditionValidator}
   */
  public TrackStream openStream(Manifest manifest, Rendition rendition) throws PlaybackException {
    return new TrackStream(
        manifest,
        rendition,
        RenditionValidator.validate(manifest, rendition),
        this,
        maxRetainedBytes);
  }

  /** Makes {@code stream} the current track, loaded to the buffer target, or null for none. */
  public void setCurrent(TrackStream stream) {
    synchronized (this) {
      current = stream;
      if (next == stream) {
        next = null;
      }
    }
    kick();
  }

  /** Makes {@code stream} the next track, loaded to the prefetch amount, or null for none. */
  public void setNext(TrackStream stream) {
    synchronized (this) {
      next = stream;
    }
    kick();
  }

  /** Returns whether a chunk task is pending or running. */
  public synchronized boolean isLoading() {
    return loading;
  }

  /** Stops scheduling without closing streams. A running task finishes its chunk. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      current = null;
      next = null;
    }
  }

  /**
   * Re-evaluates what to load. Streams call it when their read position, demand or contents
   * change.
   */
  void kick() {
    Task task;
    synchronized (this) {
      if (closed || taskRunning) {
        return;
      }
      task = pickTaskLocked();
      if (task == null) {
        setLoadingLocked(false);
        return;
      }
      taskRunning = true;
      setLoadingLocked(true);
    }
    try {
      executor.execute(() -> run(task));
    } catch (RejectedExecutionException e) {
      LOG.debug("Loader executor rejected a chunk task; loading stops", e);
      synchronized (this) {
        taskRunning = false;
        setLoadingLocked(false);
      }
    }
  }

  void onStreamClosed(TrackStream stream) {
    synchronized (this) {
      if (current == stream) {
        current = null;
      }
      if (next == stream) {
        next = null;
      }
    }
    kick();
  }

  private Task pickTaskLocked() {
    int demanded = current != null ? current.demandedChunk() : -1;
    if (demanded >= 0) {
      return new Task(current, demanded);
    }
    demanded = next != null ? next.demandedChunk() : -1;
    if (demanded >= 0) {
      return new Task(next, demanded);
    }

    int currentChunk = -1;
    LoadPriority priority = LoadPriority.NONE;
    if (current != null) {
      priority = policy.loadPriority(current.bufferedAheadMs(), current.isLoadedToEnd());
      if (priority != LoadPriority.NONE) {
        currentChunk = current.nextChunkToLoad(policy.targetBufferMs());
      }
    }
    if (priority == LoadPriority.URGENT && currentChunk >= 0) {
      return new Task(current, currentChunk);
    }

    int nextChunk = next != null ? next.nextChunkToLoad(policy.prefetchBufferMs()) : -1;
    if (currentChunk >= 0 && nextChunk >= 0) {
      nextTakesTurn = !nextTakesTurn;
      return nextTakesTurn ? new Task(next, nextChunk) : new Task(current, currentChunk);
    }
    if (currentChunk >= 0) {
      return new Task(current, currentChunk);
    }
    if (nextChunk >= 0) {
      return new Task(next, nextChunk);
    }
    return null;
  }

  private void setLoadingLocked(boolean value) {
    if (loading != value) {
      loading = value;
      listener.onLoadingChanged(value);
    }
  }

  private void run(Task task) {
    try {
      load(task.stream, task.chunkIndex);
    } catch (RuntimeException e) {
      LOG.error("Loading chunk {} of {} failed unexpectedly", task.chunkIndex, task.stream, e);
      task.stream.fail(
          task.chunkIndex,
          new PlaybackException(
              PlaybackException.ERROR_NETWORK,
              "loading chunk " + task.chunkIndex + " of " + task.stream + " failed: " + e,
              e));
    } finally {
      synchronized (this) {
        taskRunning = false;
      }
      kick();
    }
  }

  private void load(TrackStream stream, int index) {
    Rendition rendition = stream.rendition();
    String expectedSha256 = rendition.chunkSha256().get(index);
    ChunkKey key = cacheKey(stream, index);
    if (key != null) {
      byte[] cached = null;
      try {
        cached = cache.get(key, expectedSha256);
      } catch (IOException | IllegalStateException e) {
        LOG.warn("Reading chunk {} from the stream cache failed; loading it from an edge", key, e);
      }
      if (cached != null) {
        stream.complete(index, cached);
        return;
      }
    }

    List<String> edges = stream.manifest().edges();
    int edgeIndex = edgeSelector.selectEdge(edges, stream.trackId(), index);
    String edge = edges.get(edgeIndex);
    if (!edge.equals(stream.lastEdge())) {
      stream.setLastEdge(edge);
      listener.onEdgeSelected(stream.trackId(), edge);
    }

    long startMs = clock.elapsedRealtimeMs();
    byte[] bytes;
    try {
      bytes =
          fetcher.fetch(
              stream.objectUrl(edgeIndex),
              rendition.chunkStartBytes(index),
              rendition.chunkLengthBytes(index),
              rendition.sizeBytes(),
              stream);
    } catch (PlaybackException e) {
      if (!PlaybackException.ERROR_CANCELLED.equals(e.reason())) {
        LOG.warn("Chunk {} of {} from {} failed: {}", index, stream, edge, e.reason());
        edgeSelector.onTransferFailed(edge, stream.trackId(), index, e);
      }
      stream.fail(index, e);
      return;
    }
    long elapsedMs = clock.elapsedRealtimeMs() - startMs;
    bandwidthMeter.addSample(bytes.length, elapsedMs);

    String actualSha256 = ChunkDigest.sha256Hex(bytes);
    if (!actualSha256.equals(expectedSha256)) {
      PlaybackException corrupt =
          new PlaybackException(
              PlaybackException.ERROR_CHUNK_CORRUPT,
              "chunk "
                  + index
                  + " of "
                  + stream
                  + " from "
                  + edge
                  + " has SHA-256 "
                  + actualSha256
                  + ", manifest says "
                  + expectedSha256);
      LOG.warn("Rejected chunk {} of {} from {}: SHA-256 mismatch", index, stream, edge);
      edgeSelector.onTransferFailed(edge, stream.trackId(), index, corrupt);
      stream.fail(index, corrupt);
      return;
    }
    edgeSelector.onTransferSucceeded(edge, bytes.length, elapsedMs);
    stream.complete(index, bytes);

    if (key != null) {
      try {
        cache.put(key, bytes, expectedSha256);
      } catch (IOException | IllegalStateException e) {
        LOG.warn("Writing chunk {} to the stream cache failed; playback goes on", key, e);
      }
    }
  }

  private ChunkKey cacheKey(TrackStream stream, int index) {
    if (cache == null
        || !ChunkKey.isValidId(stream.trackId())
        || !ChunkKey.isValidId(stream.rendition().id())) {
      return null;
    }
    return new ChunkKey(stream.trackId(), stream.rendition().id(), index);
  }

  private static final class Task {
    final TrackStream stream;
    final int chunkIndex;

    Task(TrackStream stream, int chunkIndex) {
      this.stream = stream;
      this.chunkIndex = chunkIndex;
    }
  }
}
