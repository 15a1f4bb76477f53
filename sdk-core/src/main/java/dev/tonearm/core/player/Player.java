package dev.tonearm.core.player;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.Scheduler;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.buffer.BufferPolicy;
import dev.tonearm.core.buffer.BufferState;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.quality.QualitySelector;
import dev.tonearm.core.session.PlaybackSessionClient;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.source.ChunkLoader;
import dev.tonearm.core.source.EdgeSelector;
import dev.tonearm.core.source.ExponentialBackoff;
import dev.tonearm.core.source.FailoverEdgeSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Streams tracks from a Tonearm server through a decoder into an {@link AudioSink}: a queue,
 * play, pause, seek and skip, with the next track prefetched so that consecutive tracks of the
 * same format join without a gap.
 *
 * <p>Threading contract:
 *
 * <ul>
 *   <li>Public methods may be called from any thread. Commands ({@link #play}, {@link #pause},
 *       {@link #resume}, {@link #seekTo}, {@link #skipToNext}, {@link #stop}) are queued and
 *       carried out in order on the playback thread. They return at once.
 *   <li>One playback thread ({@value #PLAYBACK_THREAD_NAME}) fetches manifests for tracks that
 *       start without a prefetch, opens decoders, decodes, runs the {@link PcmProcessor} and
 *       writes to the sink. It is the only thread that touches the decoder, the processor and the
 *       sink, including the sink's {@code close()} in {@link #release()}.
 *   <li>The loader executor runs chunk requests, cache reads and writes, and the next track's
 *       manifest fetch.
 *   <li>An {@link Error} or unexpected {@link RuntimeException} on the playback thread or in a
 *       loader task, for example an {@link OutOfMemoryError} or {@link StackOverflowError} thrown
 *       by a decoder, the {@link PcmProcessor}, the {@link ContentDecryption}, the {@link
 *       OfflineSource}, the {@link EdgeSelector} or the sink, stops playback like any other
 *       failure: the tracks are closed, {@link Listener#onPlayerError} gets {@link
 *       PlaybackException#ERROR_INTERNAL} (a loader task's {@code RuntimeException} keeps its
 *       {@link PlaybackException#ERROR_NETWORK}) and the state becomes {@link State#IDLE}. The
 *       sink stays open and the player accepts the next {@link #play}. A {@link
 *       VirtualMachineError} is rethrown after that report, so the thread's uncaught exception
 *       handler receives it. The playback thread then ends and the next command, or {@link
 *       #release()}, starts a new one under the same name. Other errors, such as a {@link
 *       LinkageError} or {@link AssertionError}, are not rethrown.
 *   <li>{@link Listener} callbacks run on the listener executor, one at a time in the order the
 *       events happened. By default that is one dedicated thread ({@value
 *       #LISTENER_THREAD_NAME}).
 * </ul>
 *
 * <p>Timing: the player has no clock-based waits or sleeps. A real-time sink paces playback by blocking in
 * {@code write}, and a file sink lets it run as fast as chunks arrive. Buffer thresholds are media
 * time in both cases (see {@link BufferPolicy}).
 */
public final class Player {
  /** Name of the playback thread. */
  public static final String PLAYBACK_THREAD_NAME = "tonearm-playback";

  /** Name of the default listener thread. */
  public static final String LISTENER_THREAD_NAME = "tonearm-player-events";

  /** Name of the default loader thread. */
  public static final String LOADER_THREAD_NAME = "tonearm-loader";

  /** Default loudness normalisation target: -14 LUFS. */
  public static final double DEFAULT_NORMALIZATION_TARGET_LUFS = -14.0;

  /** Maximum time {@link #release()} waits for the playback thread to finish: 5000 ms. */
  public static final long RELEASE_TIMEOUT_MS = 5_000;

  /** Playback state. */
  public enum State {
    /** Nothing to play: not started, stopped, or stopped by an error. */
    IDLE,
    /** A track is loaded but playback waits for data. */
    BUFFERING,
    /**
     * Playback waits for data, and every edge failed for the chunk it needs: the player retries
     * with backoff and resumes by itself when a chunk arrives.
     */
    WAITING_FOR_NETWORK,
    /** Samples are going to the sink. */
    PLAYING,
    /** Paused by {@link #pause()}. */
    PAUSED,
    /** The last track of the queue finished and the sink was drained. */
    ENDED
  }

  /** Cause of a change of the current track. */
  public enum TransitionReason {
    /** {@link #play} started the queue. */
    PLAY,
    /** The previous track ended. */
    AUTO,
    /** {@link #skipToNext()} was called. */
    SKIP
  }

  /**
   * Player events. Every method has an empty default. Callbacks run on the listener executor;
   * see the class documentation.
   */
  public interface Listener {
    /** The playback state changed. */
    default void onStateChanged(State state) {}

    /**
     * The buffer state changed, or the buffered media moved by at least {@value
     * #BUFFER_REPORT_STEP_MS} ms since the last report.
     */
    default void onBufferChanged(BufferState bufferState, long bufferedMs) {}

    /** The loader started or stopped loading chunks. */
    default void onLoadingChanged(boolean loading) {}

    /** A new track became current at position {@code queueIndex} of the queue. */
    default void onTrackChanged(String trackId, int queueIndex, TransitionReason reason) {}

    /** The rendition (codec and bitrate) chosen for the track that became current. */
    default void onRenditionSelected(String trackId, Rendition rendition) {}

    /** Chunk requests for {@code trackId} now go to {@code edgeBaseUrl}. */
    default void onEdgeChanged(String trackId, String edgeBaseUrl) {}

    /**
     * Chunk {@code chunkIndex} of {@code trackId} failed on {@code failedEdge} (timeout,
     * connection error, 5xx, digest mismatch or bad response) and is requested from {@code
     * nextEdge}. {@code error} carries the earlier failures since the last success as suppressed
     * exceptions.
     */
    default void onChunkFailover(
        String trackId,
        int chunkIndex,
        String failedEdge,
        String nextEdge,
        PlaybackException error) {}

    /**
     * Every edge failed for chunk {@code chunkIndex} of {@code trackId}; the loader retries after
     * {@code delayMs}. {@code attempt} counts retries since the last success, from 1, and {@code
     * error} carries the earlier failures as suppressed exceptions.
     */
    default void onRetryScheduled(
        String trackId, int chunkIndex, int attempt, long delayMs, PlaybackException error) {}

    /**
     * The client's session was refreshed, for example silently after an edge returned 401, and
     * the rejected request is repeated with the new token.
     */
    default void onSessionRefreshed() {}

    /**
     * The buffer fell below {@link BufferPolicy#bufferForPlaybackMs()} while playing, and the
     * track switched to a lower bitrate for its rest. The new rendition's output starts at {@code
     * toFrame} (its own sample rate), where the old rendition stopped before {@code fromFrame}.
     * The next track is chosen at full quality again.
     */
    default void onBitrateStepDown(
        String trackId, Rendition from, Rendition to, long fromFrame, long toFrame) {}

    /**
     * Playback failed or a command could not be carried out. After a failure that stops playback
     * the state is {@link State#IDLE}. An unsupported seek leaves playback running.
     */
    default void onPlayerError(PlaybackException error) {}

    /**
     * Another device of the account started playing and took over the playback session, so this
     * player paused. {@code reason} has the code {@link
     * PlaybackException#ERROR_SESSION_SUPERSEDED}; {@code byDeviceId} is null when the takeover
     * was noticed by a heartbeat instead of the events socket. {@link #play} or {@link #resume}
     * takes the session back. Only players built with {@link
     * Builder#setPlaybackSession(PlaybackSessionClient)} send it.
     */
    default void onPlaybackSuperseded(String byDeviceId, PlaybackException reason) {}
  }

  /** Minimum change of buffered media that triggers another buffer report: 1000 ms. */
  public static final long BUFFER_REPORT_STEP_MS = 1_000;

  /** Builder of {@link Player}. Not thread-safe. */
  public static final class Builder {
    TonearmClient client;
    AudioSink sink;
    DecoderFactory decoderFactory = Decoders::open;
    Quality quality = Quality.NORMAL;
    double normalizationTargetLufs = DEFAULT_NORMALIZATION_TARGET_LUFS;
    PcmProcessor pcmProcessor = PcmProcessor.NONE;
    StreamCache cache;
    Clock clock = Clock.SYSTEM;
    ExecutorService loaderExecutor;
    Executor listenerExecutor;
    BufferPolicy bufferPolicy = BufferPolicy.defaults();
    BandwidthMeter bandwidthMeter;
    QualitySelector qualitySelector = new QualitySelector();
    EdgeSelector edgeSelector;
    long maxRetainedBytes = ChunkLoader.DEFAULT_MAX_RETAINED_BYTES;
    long chunkTimeoutMs = ChunkLoader.DEFAULT_CHUNK_TIMEOUT_MS;
    Scheduler scheduler;
    ExponentialBackoff backoff;
    boolean bitrateStepDown = true;
    int maxRetries = Integer.MAX_VALUE;
    ContentDecryption contentDecryption;
    OfflineSource offlineSource;
    PlaybackSessionClient playbackSession;

    /** Sets the API client, whose session also authorizes edge requests. Required. */
    public Builder setClient(TonearmClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Sets the sink, which the player closes in {@link #release()}. Required. */
    public Builder setSink(AudioSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sets the decoder factory. Default: {@link Decoders#open(String, ByteSource)}, the SDK's
     * Vorbis and FLAC decoders.
     */
    public Builder setDecoderFactory(DecoderFactory decoderFactory) {
      this.decoderFactory = Objects.requireNonNull(decoderFactory, "decoderFactory");
      return this;
    }

    /** Sets the quality setting, applied at each track start. Default {@link Quality#NORMAL}. */
    public Builder setQuality(Quality quality) {
      this.quality = Objects.requireNonNull(quality, "quality");
      return this;
    }

    /**
     * Sets the loudness target in LUFS passed to the processor. Default {@link
     * #DEFAULT_NORMALIZATION_TARGET_LUFS}.
     */
    public Builder setNormalizationTargetLufs(double normalizationTargetLufs) {
      if (Double.isNaN(normalizationTargetLufs) || normalizationTargetLufs > 0) {
        throw new IllegalArgumentException(
            "normalizationTargetLufs must be <= 0: " + normalizationTargetLufs);
      }
      this.normalizationTargetLufs = normalizationTargetLufs;
      return this;
    }

    /**
     * Sets the stage between decoder and sink, such as loudness normalisation. Default {@link
     * PcmProcessor#NONE}, which leaves samples unchanged.
     */
    public Builder setPcmProcessor(PcmProcessor pcmProcessor) {
      this.pcmProcessor = Objects.requireNonNull(pcmProcessor, "pcmProcessor");
      return this;
    }

    /** Sets the streaming cache, or null for none. Default none. */
    public Builder setCache(StreamCache cache) {
      this.cache = cache;
      return this;
    }

    /** Sets the clock for transfer timing and buffer states. Default {@link Clock#SYSTEM}. */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor for chunk loading and prefetch manifests. The player does not shut it
     * down. Default: one daemon thread ({@value #LOADER_THREAD_NAME}) that {@link #release()}
     * shuts down.
     */
    public Builder setLoaderExecutor(ExecutorService loaderExecutor) {
      this.loaderExecutor = Objects.requireNonNull(loaderExecutor, "loaderExecutor");
      return this;
    }

    /**
     * Sets the executor that runs listener callbacks. It should run tasks one at a time in
     * submission order, like an Android main-thread executor. Default: one daemon thread ({@value
     * #LISTENER_THREAD_NAME}) that {@link #release()} shuts down.
     */
    public Builder setListenerExecutor(Executor listenerExecutor) {
      this.listenerExecutor = Objects.requireNonNull(listenerExecutor, "listenerExecutor");
      return this;
    }

    /** Sets the buffer thresholds. Default {@link BufferPolicy#defaults()}. */
    public Builder setBufferPolicy(BufferPolicy bufferPolicy) {
      this.bufferPolicy = Objects.requireNonNull(bufferPolicy, "bufferPolicy");
      return this;
    }

    /** Sets the bandwidth meter, for sharing estimates between players. Default a new meter. */
    public Builder setBandwidthMeter(BandwidthMeter bandwidthMeter) {
      this.bandwidthMeter = Objects.requireNonNull(bandwidthMeter, "bandwidthMeter");
      return this;
    }

    /** Sets the rendition choice. Default a {@link QualitySelector} with its default fraction. */
    public Builder setQualitySelector(QualitySelector qualitySelector) {
      this.qualitySelector = Objects.requireNonNull(qualitySelector, "qualitySelector");
      return this;
    }

    /**
     * Sets the edge choice. Default a new {@link FailoverEdgeSelector} on the player's clock,
     * which excludes a failed edge for {@link FailoverEdgeSelector#DEFAULT_EXCLUSION_MS}.
     */
    public Builder setEdgeSelector(EdgeSelector edgeSelector) {
      this.edgeSelector = Objects.requireNonNull(edgeSelector, "edgeSelector");
      return this;
    }

    /**
     * Sets the time within which a chunk must arrive in full before the next edge is tried.
     * Default {@link ChunkLoader#DEFAULT_CHUNK_TIMEOUT_MS}.
     */
    public Builder setChunkTimeoutMs(long chunkTimeoutMs) {
      if (chunkTimeoutMs <= 0) {
        throw new IllegalArgumentException("chunkTimeoutMs must be > 0: " + chunkTimeoutMs);
      }
      this.chunkTimeoutMs = chunkTimeoutMs;
      return this;
    }

    /**
     * Sets the scheduler of retry delays, on the time line of {@link #setClock}. Default {@link
     * Scheduler#system()}.
     */
    public Builder setScheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the retry delays after every edge failed. Default a new {@link ExponentialBackoff}
     * with its defaults (full jitter, 500 ms doubling to 30 s).
     */
    public Builder setBackoff(ExponentialBackoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets how many retry rounds follow a round in which every edge failed before playback fails
     * with the last failure. Default {@link Integer#MAX_VALUE}: the player waits in {@link
     * State#WAITING_FOR_NETWORK} until the network returns or playback is stopped.
     */
    public Builder setMaxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets whether a track steps down to a lower bitrate when its buffer falls below {@link
     * BufferPolicy#bufferForPlaybackMs()} while playing. Applies to real-time sinks only, because
     * a sink that is not real-time drains the buffer as fast as the decoder runs. Default true.
     */
    public Builder setBitrateStepDown(boolean bitrateStepDown) {
      this.bitrateStepDown = bitrateStepDown;
      return this;
    }

    /**
     * Sets the per-track limit of chunk bytes kept in memory. Default {@link
     * ChunkLoader#DEFAULT_MAX_RETAINED_BYTES}.
     */
    public Builder setMaxRetainedBytes(long maxRetainedBytes) {
      if (maxRetainedBytes <= 0) {
        throw new IllegalArgumentException("maxRetainedBytes must be > 0: " + maxRetainedBytes);
      }
      this.maxRetainedBytes = maxRetainedBytes;
      return this;
    }

    /**
     * Sets the decryption stage for encrypted renditions, or null for none. Default none: a track
     * whose chosen rendition is encrypted then fails with {@link
     * PlaybackException#ERROR_ENCRYPTION_UNSUPPORTED}.
     */
    public Builder setContentDecryption(ContentDecryption contentDecryption) {
      this.contentDecryption = contentDecryption;
      return this;
    }

    /**
     * Sets the stored tracks that play without network, or null for none. Default none. The
     * player asks this source first for every track; see {@link OfflineSource}.
     */
    public Builder setOfflineSource(OfflineSource offlineSource) {
      this.offlineSource = offlineSource;
      return this;
    }

    /**
     * Sets the playback session that enforces one active stream per account, or null for none.
     * Default none. With a session, {@link #play} and {@link #resume} start or take back the
     * session without waiting for it, and a takeover by another device pauses the player and
     * sends {@link Listener#onPlaybackSuperseded}. Failed session starts go to {@link
     * Listener#onPlayerError} and do not stop playback. The caller keeps ownership of the session
     * client and closes it after {@link #release()}.
     */
    public Builder setPlaybackSession(PlaybackSessionClient playbackSession) {
      this.playbackSession = playbackSession;
      return this;
    }

    /** Builds the player and starts its playback thread. */
    public Player build() {
      if (client == null || sink == null) {
        throw new IllegalStateException("client and sink are required");
      }
      return new Player(this);
    }
  }

  private final PlaybackLoop loop;
  private final ExecutorService ownedLoaderExecutor;
  private final ExecutorService ownedListenerExecutor;
  private final EventDispatcher events;
  private final TonearmClient client;
  private final TonearmClient.SessionListener sessionListener;
  private final PlaybackSessionClient playbackSession;
  private final PlaybackSessionClient.Listener playbackSessionListener;

  private Player(Builder builder) {
    ExecutorService loaderExecutor = builder.loaderExecutor;
    ownedLoaderExecutor =
        loaderExecutor == null
            ? Executors.newSingleThreadExecutor(daemonThreads(LOADER_THREAD_NAME))
            : null;
    Executor listenerExecutor = builder.listenerExecutor;
    ownedListenerExecutor =
        listenerExecutor == null
            ? Executors.newSingleThreadExecutor(daemonThreads(LISTENER_THREAD_NAME))
            : null;
    events =
        new EventDispatcher(listenerExecutor != null ? listenerExecutor : ownedListenerExecutor);
    loop =
        new PlaybackLoop(
            builder, loaderExecutor != null ? loaderExecutor : ownedLoaderExecutor, events);
    client = builder.client;
    sessionListener = () -> events.post(Listener::onSessionRefreshed);
    client.addSessionListener(sessionListener);
    playbackSession = builder.playbackSession;
    playbackSessionListener = new PlaybackSessionClient.Listener() {
      @Override
      public void onSuperseded(String sessionId, String byDeviceId, PlaybackException reason) {
        loop.post(() -> loop.setPaused(true));
        events.post(listener -> listener.onPlaybackSuperseded(byDeviceId, reason));
      }

      @Override
      public void onSessionError(PlaybackException error) {
        events.post(listener -> listener.onPlayerError(error));
      }
    };
    if (playbackSession != null) {
      playbackSession.addListener(playbackSessionListener);
    }
    loop.start();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds a listener. Adding the same one twice has no effect. */
  public void addListener(Listener listener) {
    events.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(Listener listener) {
    events.remove(listener);
  }

  /** Replaces the queue with {@code trackId} and starts playing it. */
  public void play(String trackId) {
    play(Collections.singletonList(Objects.requireNonNull(trackId, "trackId")));
  }

  /** Replaces the queue with {@code trackIds} and starts playing the first. */
  public void play(List<String> trackIds) {
    List<String> queue = new ArrayList<>(Objects.requireNonNull(trackIds, "trackIds"));
    for (String trackId : queue) {
      Objects.requireNonNull(trackId, "trackIds contains null");
    }
    claimPlaybackSession();
    loop.post(() -> loop.playQueue(Collections.unmodifiableList(queue)));
  }

  /** Pauses after the block being written. */
  public void pause() {
    loop.post(() -> loop.setPaused(true));
  }

  /** Resumes after {@link #pause()} or after another device took over the playback session. */
  public void resume() {
    claimPlaybackSession();
    loop.post(() -> loop.setPaused(false));
  }

  /**
   * Seeks the current track to {@code positionMs}, clamped to the track. Seeking inside the
   * loaded range costs no request. Elsewhere, loading starts at the chunk that the manifest's seek
   * index names for the position.
   */
  public void seekTo(long positionMs) {
    loop.post(() -> loop.seek(positionMs));
  }

  /** Starts the next track in the queue, or ends the queue when there is none. */
  public void skipToNext() {
    loop.post(loop::skipToNext);
  }

  /** Stops playback and closes the current track, and the state becomes {@link State#IDLE}. */
  public void stop() {
    loop.post(loop::stopPlayback);
  }

  /**
   * Stops playback, closes the sink, ends the playback thread and shuts down the executors that
   * the player created. Waits up to {@link #RELEASE_TIMEOUT_MS} for the playback thread. The
   * player cannot be used afterwards.
   */
  public void release() {
    client.removeSessionListener(sessionListener);
    if (playbackSession != null) {
      playbackSession.removeListener(playbackSessionListener);
    }
    loop.release();
    awaitPlaybackThreads();
    if (ownedLoaderExecutor != null) {
      ownedLoaderExecutor.shutdownNow();
    }
    if (ownedListenerExecutor != null) {
      ownedListenerExecutor.shutdown();
    }
  }

  /** Returns the playback state. */
  public State state() {
    return loop.state();
  }

  /** Returns the id of the current track, or null. */
  public String currentTrackId() {
    return loop.currentTrackId();
  }

  /**
   * Returns the position in the current track in milliseconds, at the end of the last decoded
   * block.
   */
  public long positionMs() {
    return loop.positionMs();
  }

  /**
   * Interrupts and joins the playback thread, for {@link #RELEASE_TIMEOUT_MS} in all. A thread
   * that ends with a {@link VirtualMachineError} while the release is pending starts a replacement
   * that closes the sink, so that one is joined too.
   */
  private void awaitPlaybackThreads() {
    long deadlineNanos = System.nanoTime() + RELEASE_TIMEOUT_MS * 1_000_000L;
    Thread thread = loop.playbackThread();
    try {
      while (true) {
        thread.interrupt();
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (leftMs <= 0) {
          return;
        }
        thread.join(leftMs);
        Thread latest = loop.playbackThread();
        if (latest == thread) {
          return;
        }
        thread = latest;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void claimPlaybackSession() {
    if (playbackSession != null) {
      playbackSession.startAsync();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
