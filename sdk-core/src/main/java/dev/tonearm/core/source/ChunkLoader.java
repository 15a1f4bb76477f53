package dev.tonearm.core.source;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.Scheduler;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.buffer.BufferPolicy;
import dev.tonearm.core.buffer.LoadPriority;
import dev.tonearm.core.cache.ChunkKey;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.quality.BandwidthMeter;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * chunk's SHA-256 and only then hands the bytes to the stream and the cache. The bytes of a chunk
 * that failed verification go nowhere.
 *
 * <p>Failover and retry. A request that fails is reported to the selector, which excludes that
 * edge, and the chunk is requested again from the edge the selector names next. Failures that move
 * on this way: a timeout ({@link PlaybackException#ERROR_TIMEOUT}, see below), a connection
 * error ({@link PlaybackException#ERROR_NETWORK}), a 5xx ({@link PlaybackException#ERROR_SERVER}),
 * a digest mismatch ({@link PlaybackException#ERROR_CHUNK_CORRUPT}), a response that is not the
 * requested range and any other unexpected status. A round ends when the selector names an edge
 * already tried for the chunk in it:
 *
 * <ul>
 *   <li>when any failure of the round was transient (timeout, connection error, 5xx, digest
 *       mismatch, bad response), the loader waits for the network: it starts no request until a
 *       delay from its {@link ExponentialBackoff} has passed on the {@link Scheduler}, then tries
 *       again, with a longer delay after each round that fails, until a chunk arrives or the
 *       configured number of retries is used up;
 *   <li>otherwise (every edge returned 404, 416 or another 4xx), the stream fails with the last
 *       failure.
 * </ul>
 *
 * <p>Timeouts and partial chunks. A request times out when no byte arrives for the chunk timeout
 * (default {@value #DEFAULT_CHUNK_TIMEOUT_MS} ms, covering connecting, sending, the response head
 * and each body read), or when the whole request has not ended within that same timeout. An edge
 * that sends nothing, or too little, is therefore left after the chunk timeout. The body's bytes
 * are kept as they arrive, also when the request then times out or the connection breaks, and the
 * next request for the chunk requests only the missing tail ({@code Range} from the received offset),
 * from whichever edge the selector names. The SHA-256 is checked over the whole chunk once it is
 * complete. A mismatch drops every byte of the chunk, and the edge that sent the last part is
 * reported. A timed-out request that delivered at least {@value #MIN_PROGRESS_BYTES} bytes does not
 * count towards the round: the edge is reported as failed, but the round starts again, so a link
 * that is slow on every edge keeps loading instead of waiting for the network.
 *
 * <p>{@link PlaybackException#ERROR_AUTH_FAILED} (a 401 after the client's one silent token
 * refresh) and {@link PlaybackException#ERROR_FORBIDDEN} fail the stream at once, because another
 * edge would return the same. When every edge of a round timed out without delivering {@value
 * #MIN_PROGRESS_BYTES} bytes, the next round doubles the no-progress timeout, up to {@value
 * #MAX_TIMEOUT_FACTOR} times the chunk timeout, because then the whole network is slow rather than
 * one edge. A success restores the chunk timeout and the first backoff delay.
 *
 * <p>Each failure that the loader reports (to the listener, or as the stream's failure) carries
 * the earlier failures since the last success as suppressed exceptions, at most {@value
 * #MAX_KEPT_FAILURES} of them, newest kept.
 *
 * <p>Threading: thread-safe. Chunk tasks run on the executor, one at a time. {@link
 * Listener#onLoadingChanged} runs on the thread that changed the state, while the loader's lock is
 * held; the other callbacks run on the executor's thread without it. All must return quickly and
 * must not call back into the loader.
 */
public final class ChunkLoader implements Closeable {
  /** Per-stream limit of chunk bytes held in memory: 16 MiB. */
  public static final long DEFAULT_MAX_RETAINED_BYTES = 16L * 1024 * 1024;

  /**
   * Maximum wait for the next byte of a chunk request, and the time limit of a whole request,
   * before the next edge is tried: 3000 ms.
   */
  public static final long DEFAULT_CHUNK_TIMEOUT_MS = 3_000;

  /** Largest factor by which rounds that time out on every edge stretch the chunk timeout. */
  public static final int MAX_TIMEOUT_FACTOR = 8;

  /**
   * Bytes that a timed-out request must have delivered for the loader to treat its edge as slow
   * rather than failed: 16 KiB.
   */
  public static final int MIN_PROGRESS_BYTES = 16 * 1024;

  /** Most earlier failures attached to a reported failure as suppressed exceptions. */
  public static final int MAX_KEPT_FAILURES = 16;

  /** Loader events. */
  public interface Listener {
    /** Called when the loader starts or stops having chunks to load. */
    default void onLoadingChanged(boolean loading) {}

    /** Called before the first request of {@code trackId} to an edge it did not use before. */
    default void onEdgeSelected(String trackId, String edgeBaseUrl) {}

    /**
     * Called when chunk {@code chunkIndex} of {@code trackId} failed on {@code failedEdge} and is
     * requested from {@code nextEdge} next. {@code error} carries the earlier failures as
     * suppressed exceptions.
     */
    default void onFailover(
        String trackId,
        int chunkIndex,
        String failedEdge,
        String nextEdge,
        PlaybackException error) {}

    /**
     * Called when every edge failed for chunk {@code chunkIndex} of {@code trackId} and the
     * loader retries after {@code delayMs}. {@code attempt} counts the retries since the last
     * success, from 1.
     */
    default void onRetryScheduled(
        String trackId, int chunkIndex, int attempt, long delayMs, PlaybackException error) {}

    /**
     * Called when the loader starts waiting for the network (every edge failed) and when it
     * stops (a chunk arrived).
     */
    default void onWaitingForNetworkChanged(boolean waiting) {}
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
    private long chunkTimeoutMs = DEFAULT_CHUNK_TIMEOUT_MS;
    private Scheduler scheduler;
    private ExponentialBackoff backoff;
    private int maxRetries = Integer.MAX_VALUE;

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

    /**
     * Sets the edge choice. Default a new {@link FailoverEdgeSelector} on the loader's clock.
     */
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

    /**
     * Sets the maximum wait for the next byte of a chunk request, which is also the time limit of
     * a whole request. Default {@link #DEFAULT_CHUNK_TIMEOUT_MS}.
     */
    public Builder setChunkTimeoutMs(long chunkTimeoutMs) {
      if (chunkTimeoutMs <= 0) {
        throw new IllegalArgumentException("chunkTimeoutMs must be > 0: " + chunkTimeoutMs);
      }
      this.chunkTimeoutMs = chunkTimeoutMs;
      return this;
    }

    /**
     * Sets the scheduler that runs retries after their backoff delay. It must share the time line
     * of {@link #setClock}. Default {@link Scheduler#system()}.
     */
    public Builder setScheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets how many rounds of retries follow a round in which every edge failed before the
     * stream fails with the last failure. Default {@link Integer#MAX_VALUE}: the loader waits for
     * the network until the stream is closed.
     */
    public Builder setMaxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** Sets the retry delays. Default a new {@link ExponentialBackoff} with its defaults. */
    public Builder setBackoff(ExponentialBackoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
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
  private final long chunkTimeoutMs;
  private final Scheduler scheduler;
  private final ExponentialBackoff backoff;
  private final int maxRetries;

  // Guarded by this.
  private TrackStream current;
  private TrackStream next;
  private boolean taskRunning;
  private boolean loading;
  private boolean nextTakesTurn;
  private boolean closed;
  private boolean retryPending;
  private boolean waitingForNetwork;
  private Scheduler.Cancellable retryTimer;

  // Touched only by the running chunk task; tasks run one at a time and hand over through the lock.
  private final ArrayDeque<PlaybackException> failuresSinceSuccess = new ArrayDeque<>();
  private int retryAttempt;
  private long roundTimeoutMs;
  private PartialChunk partial;

  private ChunkLoader(Builder builder) {
    // The loader retries and fails over itself, so OkHttp must not repeat a failed request on the
    // same edge first. The derived client shares the connection pool and the auth interceptor.
    this.fetcher =
        new ChunkFetcher(builder.httpClient.newBuilder().retryOnConnectionFailure(false).build());
    this.executor = builder.executor;
    this.policy = builder.bufferPolicy;
    this.edgeSelector =
        builder.edgeSelector != null
            ? builder.edgeSelector
            : new FailoverEdgeSelector(builder.clock);
    this.bandwidthMeter =
        builder.bandwidthMeter != null ? builder.bandwidthMeter : new BandwidthMeter();
    this.cache = builder.cache;
    this.clock = builder.clock;
    this.listener = builder.listener;
    this.maxRetainedBytes = builder.maxRetainedBytes;
    this.chunkTimeoutMs = builder.chunkTimeoutMs;
    this.scheduler = builder.scheduler != null ? builder.scheduler : Scheduler.system();
    this.backoff = builder.backoff != null ? builder.backoff : new ExponentialBackoff();
    this.roundTimeoutMs = chunkTimeoutMs;
    this.maxRetries = builder.maxRetries;
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

  /** Returns whether every edge failed and the loader waits to retry. */
  public synchronized boolean isWaitingForNetwork() {
    return waitingForNetwork;
  }

  /** Stops scheduling without closing streams. A running task finishes its chunk. */
  @Override
  public void close() {
    Scheduler.Cancellable timer;
    synchronized (this) {
      closed = true;
      current = null;
      next = null;
      timer = retryTimer;
      retryTimer = null;
    }
    if (timer != null) {
      timer.cancel();
    }
  }

  /**
   * Re-evaluates what to load. Streams call it when their read position, demand or contents
   * change.
   */
  void kick() {
    Task task;
    synchronized (this) {
      if (closed || taskRunning || retryPending) {
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

  /**
   * Loads one chunk on the executor. A {@link RuntimeException} fails the stream with {@link
   * PlaybackException#ERROR_NETWORK}, and an {@link Error}, for example from an {@link
   * EdgeSelector} or the cache, fails it with {@link PlaybackException#ERROR_INTERNAL}. Either way
   * the next task is scheduled. A {@link VirtualMachineError} is then rethrown, so that the
   * executor thread's uncaught exception handler receives it.
   */
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
    } catch (Error e) {
      LOG.error("Loading chunk {} of {} failed with an error", task.chunkIndex, task.stream, e);
      task.stream.fail(
          task.chunkIndex,
          new PlaybackException(
              PlaybackException.ERROR_INTERNAL,
              "loading chunk "
                  + task.chunkIndex
                  + " of "
                  + task.stream
                  + " failed with "
                  + e.getClass().getName()
                  + ": "
                  + e.getMessage(),
              e));
      if (e instanceof VirtualMachineError) {
        throw e;
      }
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

    byte[] bytes = loadFromEdges(stream, index, expectedSha256);
    if (bytes == null) {
      return;
    }
    stream.complete(index, bytes);
    if (key != null) {
      try {
        cache.put(key, bytes, expectedSha256);
      } catch (IOException | IllegalStateException e) {
        LOG.warn("Writing chunk {} to the stream cache failed; playback goes on", key, e);
      }
    }
  }

  /**
   * Runs one failover round for chunk {@code index}: returns its verified bytes, or null after
   * the stream failed, was closed, or a retry was scheduled.
   */
  private byte[] loadFromEdges(TrackStream stream, int index, String expectedSha256) {
    Rendition rendition = stream.rendition();
    List<String> edges = stream.manifest().edges();
    if (partial == null || !partial.isFor(stream, index)) {
      partial =
          new PartialChunk(
              stream, index, rendition.chunkStartBytes(index), rendition.chunkLengthBytes(index));
    }
    Set<Integer> tried = new HashSet<>();
    boolean anyTransient = false;
    boolean allTimedOut = true;
    String failedEdge = null;
    PlaybackException lastFailure = null;
    while (true) {
      int edgeIndex = edgeSelector.selectEdge(edges, stream.trackId(), index);
      if (!tried.add(edgeIndex) || stream.isClosed()) {
        break;
      }
      String edge = edges.get(edgeIndex);
      if (lastFailure != null) {
        listener.onFailover(stream.trackId(), index, failedEdge, edge, lastFailure);
      }
      if (!edge.equals(stream.lastEdge())) {
        stream.setLastEdge(edge);
        listener.onEdgeSelected(stream.trackId(), edge);
      }

      int receivedBefore = partial.receivedBytes;
      long startMs = clock.elapsedRealtimeMs();
      PlaybackException failure;
      try {
        fetcher.fetch(
            stream.objectUrl(edgeIndex),
            partial,
            rendition.sizeBytes(),
            stream,
            roundTimeoutMs,
            // The whole request gets the same limit. A slower edge is left then, and its bytes
            // stay in the partial chunk for the next edge, so leaving costs no download.
            roundTimeoutMs);
        long elapsedMs = clock.elapsedRealtimeMs() - startMs;
        bandwidthMeter.addSample(partial.receivedBytes - receivedBefore, elapsedMs);
        byte[] bytes = partial.bytes;
        partial = null;
        failure = verify(stream, index, edge, bytes, expectedSha256);
        if (failure == null) {
          edgeSelector.onTransferSucceeded(edge, bytes.length - receivedBefore, elapsedMs);
          onSuccess();
          return bytes;
        }
        // The digest covers the whole chunk, so no part of a mismatching chunk can be trusted.
        partial =
            new PartialChunk(
                stream, index, rendition.chunkStartBytes(index), rendition.chunkLengthBytes(index));
      } catch (PlaybackException e) {
        failure = e;
        bandwidthMeter.addSample(
            partial.receivedBytes - receivedBefore, clock.elapsedRealtimeMs() - startMs);
      }
      if (PlaybackException.ERROR_CANCELLED.equals(failure.reason())) {
        partial = null;
        stream.fail(index, failure);
        return null;
      }
      LOG.warn("Chunk {} of {} from {} failed: {}", index, stream, edge, failure.reason());
      lastFailure = withEarlierFailures(failure);
      rememberFailure(failure);
      edgeSelector.onTransferFailed(edge, stream.trackId(), index, failure);
      if (isFatal(failure)) {
        partial = null;
        stream.fail(index, lastFailure);
        return null;
      }
      failedEdge = edge;
      if (PlaybackException.ERROR_TIMEOUT.equals(failure.reason())
          && partial.receivedBytes - receivedBefore >= MIN_PROGRESS_BYTES) {
        // A slow edge that delivered MIN_PROGRESS_BYTES does not fail the round. The next edge
        // continues the chunk where this one stopped.
        tried.clear();
        anyTransient = false;
        allTimedOut = true;
        continue;
      }
      anyTransient |= isTransient(failure);
      allTimedOut &= PlaybackException.ERROR_TIMEOUT.equals(failure.reason());
    }
    if (lastFailure == null || stream.isClosed()) {
      return null; // Closed before any request, or while failing: nothing waits for the chunk.
    }
    if (!anyTransient || retryAttempt >= maxRetries) {
      partial = null;
      stream.fail(index, lastFailure);
      return null;
    }
    scheduleRetry(stream, index, lastFailure, allTimedOut);
    return null;
  }

  /** Returns the failure for a digest mismatch, or null when {@code bytes} are the chunk. */
  private static PlaybackException verify(
      TrackStream stream, int index, String edge, byte[] bytes, String expectedSha256) {
    String actualSha256 = ChunkDigest.sha256Hex(bytes);
    if (actualSha256.equals(expectedSha256)) {
      return null;
    }
    LOG.warn("Rejected chunk {} of {} from {}: SHA-256 mismatch", index, stream, edge);
    return new PlaybackException(
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
  }

  private void scheduleRetry(
      TrackStream stream, int index, PlaybackException failure, boolean allTimedOut) {
    int attempt = retryAttempt++;
    long delayMs = backoff.delayMs(attempt);
    if (allTimedOut) {
      roundTimeoutMs = Math.min(roundTimeoutMs * 2, chunkTimeoutMs * MAX_TIMEOUT_FACTOR);
    }
    LOG.warn(
        "Every edge failed for chunk {} of {}; retry {} in {} ms: {}",
        index,
        stream,
        attempt + 1,
        delayMs,
        failure.reason());
    boolean startedWaiting;
    synchronized (this) {
      if (closed) {
        return;
      }
      startedWaiting = !waitingForNetwork;
      waitingForNetwork = true;
      retryPending = true;
    }
    if (startedWaiting) {
      listener.onWaitingForNetworkChanged(true);
    }
    listener.onRetryScheduled(stream.trackId(), index, attempt + 1, delayMs, failure);
    Scheduler.Cancellable timer;
    try {
      timer = scheduler.schedule(this::onRetryDue, delayMs);
    } catch (RejectedExecutionException e) {
      LOG.debug("Retry scheduler rejected the retry; loading stops", e);
      return;
    }
    synchronized (this) {
      retryTimer = timer;
    }
  }

  private void onRetryDue() {
    synchronized (this) {
      retryPending = false;
      retryTimer = null;
    }
    kick();
  }

  private void onSuccess() {
    failuresSinceSuccess.clear();
    retryAttempt = 0;
    roundTimeoutMs = chunkTimeoutMs;
    boolean stoppedWaiting;
    synchronized (this) {
      stoppedWaiting = waitingForNetwork;
      waitingForNetwork = false;
    }
    if (stoppedWaiting) {
      listener.onWaitingForNetworkChanged(false);
    }
  }

  private void rememberFailure(PlaybackException failure) {
    if (failuresSinceSuccess.size() == MAX_KEPT_FAILURES) {
      failuresSinceSuccess.removeFirst();
    }
    failuresSinceSuccess.addLast(failure);
  }

  /** Returns a copy of {@code failure} that carries the earlier failures as suppressed. */
  private PlaybackException withEarlierFailures(PlaybackException failure) {
    PlaybackException report =
        new PlaybackException(
            failure.reason(),
            failure.getMessage(),
            failure.httpStatus(),
            failure.serverCode(),
            failure.getCause());
    report.setStackTrace(failure.getStackTrace());
    for (Throwable suppressed : failure.getSuppressed()) {
      report.addSuppressed(suppressed);
    }
    for (PlaybackException earlier : failuresSinceSuccess) {
      report.addSuppressed(earlier);
    }
    return report;
  }

  /** Failures that another edge would return too. */
  private static boolean isFatal(PlaybackException failure) {
    String reason = failure.reason();
    return PlaybackException.ERROR_AUTH_FAILED.equals(reason)
        || PlaybackException.ERROR_FORBIDDEN.equals(reason);
  }

  /** Failures that a later retry of the same edges may not meet again. */
  private static boolean isTransient(PlaybackException failure) {
    String reason = failure.reason();
    return PlaybackException.ERROR_NETWORK.equals(reason)
        || PlaybackException.ERROR_TIMEOUT.equals(reason)
        || PlaybackException.ERROR_SERVER.equals(reason)
        || PlaybackException.ERROR_CHUNK_CORRUPT.equals(reason)
        || PlaybackException.ERROR_BAD_RESPONSE.equals(reason);
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
