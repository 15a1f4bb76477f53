package dev.tonearm.core.player;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.buffer.BufferPolicy;
import dev.tonearm.core.buffer.BufferState;
import dev.tonearm.core.buffer.BufferStateMachine;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.core.quality.QualitySelector;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.source.ChunkLoader;
import dev.tonearm.core.source.TrackStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the player's playback thread: command handling, track preparation, the decode and
 * write loop, prefetch and track transitions.
 *
 * <p>Threading: {@link #start}, {@link #post}, {@link #release} and the getters may be called
 * from any thread. Every other method runs on the playback thread, which owns all fields not
 * marked otherwise. At most one playback thread runs the loop at a time. When a {@link
 * VirtualMachineError} ends it, the loop starts a replacement as soon as a command or the release
 * is waiting, so that the error reaches the thread's uncaught exception handler and the player
 * still carries out later commands.
 */
final class PlaybackLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PlaybackLoop.class);

  private final TonearmClient client;
  private final AudioSink sink;
  private final DecoderFactory decoderFactory;
  private final ContentDecryption contentDecryption;
  private final OfflineSource offlineSource;
  private final Quality quality;
  private final double normalizationTargetLufs;
  private final PcmProcessor processor;
  private final Executor loaderExecutor;
  private final BufferPolicy policy;
  private final BufferStateMachine machine;
  private final BandwidthMeter bandwidthMeter;
  private final QualitySelector qualitySelector;
  private final ChunkLoader loader;
  private final EventDispatcher events;
  private final boolean bitrateStepDown;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeUp = lock.newCondition();
  private final ArrayDeque<Runnable> commands = new ArrayDeque<>(); // Guarded by lock.
  private boolean signalled; // Guarded by lock.
  private boolean released; // Guarded by lock.
  /** Whether a playback thread runs the loop or has been started to run it. Guarded by lock. */
  private boolean threadRunning;

  private volatile Thread playbackThread;

  private final TrackStream.Listener currentStreamListener =
      new TrackStream.Listener() {
        @Override
        public void onUnderrun(TrackStream stream) {
          // Runs on the playback thread inside a decoder read, before the read blocks.
          machine.onUnderrun();
          publishBufferAndState(stream);
        }

        @Override
        public void onChunkLoaded(TrackStream stream, int chunkIndex) {
          signal();
        }

        @Override
        public void onLoadFailed(TrackStream stream, PlaybackException error) {
          signal();
        }
      };

  private final TrackStream.Listener nextStreamListener =
      new TrackStream.Listener() {
        @Override
        public void onChunkLoaded(TrackStream stream, int chunkIndex) {
          signal();
        }
      };

  private final PcmBuffer pcm = new PcmBuffer();
  /** The frames that the processor hands over from {@link PcmProcessor#flush}. */
  private final PcmBuffer processorTail = new PcmBuffer();

  private List<String> queue = Collections.emptyList();
  /** Incremented by the playback thread whenever the queue or current track is discarded. */
  private volatile int generation;
  private PreparedTrack current;
  private PreparedTrack next;
  private boolean prefetchRequested;
  private boolean paused;
  private boolean ended;
  private boolean blockPending;
  private PcmFormat sinkFormat;
  /** The format passed to the processor's last {@code startTrack}, or null before the first. */
  private PcmFormat processorFormat;
  private long reportedBufferMs = Long.MIN_VALUE;
  private BufferState reportedBufferState;

  private final Object stateLock = new Object();
  private Player.State baseState = Player.State.IDLE; // Guarded by stateLock.
  private boolean networkWaiting; // Guarded by stateLock.
  private volatile Player.State state = Player.State.IDLE;
  private volatile String currentTrackId;
  private volatile long positionMs;

  PlaybackLoop(Player.Builder builder, Executor loaderExecutor, EventDispatcher events) {
    this.client = builder.client;
    this.sink = builder.sink;
    this.decoderFactory = builder.decoderFactory;
    this.contentDecryption = builder.contentDecryption;
    this.offlineSource = builder.offlineSource;
    this.quality = builder.quality;
    this.normalizationTargetLufs = builder.normalizationTargetLufs;
    this.processor = builder.pcmProcessor;
    this.loaderExecutor = loaderExecutor;
    this.policy = builder.bufferPolicy;
    this.machine = new BufferStateMachine(policy, builder.clock);
    this.bandwidthMeter =
        builder.bandwidthMeter != null ? builder.bandwidthMeter : new BandwidthMeter();
    this.qualitySelector = builder.qualitySelector;
    this.events = events;
    this.bitrateStepDown = builder.bitrateStepDown;
    ChunkLoader.Builder loaderBuilder =
        ChunkLoader.builder()
            .setHttpClient(client.httpClient())
            .setExecutor(loaderExecutor)
            .setBufferPolicy(policy)
            .setBandwidthMeter(bandwidthMeter)
            .setCache(builder.cache)
            .setClock(builder.clock)
            .setMaxRetainedBytes(builder.maxRetainedBytes)
            .setChunkTimeoutMs(builder.chunkTimeoutMs)
            .setMaxRetries(builder.maxRetries)
            .setListener(
                new ChunkLoader.Listener() {
                  @Override
                  public void onLoadingChanged(boolean loading) {
                    events.post(listener -> listener.onLoadingChanged(loading));
                  }

                  @Override
                  public void onEdgeSelected(String trackId, String edgeBaseUrl) {
                    events.post(listener -> listener.onEdgeChanged(trackId, edgeBaseUrl));
                  }

                  @Override
                  public void onFailover(
                      String trackId,
                      int chunkIndex,
                      String failedEdge,
                      String nextEdge,
                      PlaybackException error) {
                    events.post(
                        listener ->
                            listener.onChunkFailover(
                                trackId, chunkIndex, failedEdge, nextEdge, error));
                  }

                  @Override
                  public void onRetryScheduled(
                      String trackId,
                      int chunkIndex,
                      int attempt,
                      long delayMs,
                      PlaybackException error) {
                    events.post(
                        listener ->
                            listener.onRetryScheduled(
                                trackId, chunkIndex, attempt, delayMs, error));
                  }

                  @Override
                  public void onWaitingForNetworkChanged(boolean waiting) {
                    setNetworkWaiting(waiting);
                  }
                });
    if (builder.edgeSelector != null) {
      loaderBuilder.setEdgeSelector(builder.edgeSelector);
    }
    if (builder.scheduler != null) {
      loaderBuilder.setScheduler(builder.scheduler);
    }
    if (builder.backoff != null) {
      loaderBuilder.setBackoff(builder.backoff);
    }
    this.loader = loaderBuilder.build();
  }

  // Any thread.

  /** Starts the first playback thread. */
  void start() {
    lock.lock();
    try {
      threadRunning = true;
    } finally {
      lock.unlock();
    }
    startThread();
  }

  void post(Runnable command) {
    boolean startThread;
    lock.lock();
    try {
      if (released) {
        LOG.debug("Ignoring a command after release");
        return;
      }
      commands.add(command);
      signalled = true;
      wakeUp.signalAll();
      startThread = claimThreadLocked();
    } finally {
      lock.unlock();
    }
    if (startThread) {
      startThread();
    }
  }

  /**
   * Makes the loop close the tracks, the loader and the sink and end. A playback thread is
   * started for that when none runs.
   */
  void release() {
    boolean startThread;
    lock.lock();
    try {
      released = true;
      signalled = true;
      wakeUp.signalAll();
      startThread = claimThreadLocked();
    } finally {
      lock.unlock();
    }
    if (startThread) {
      startThread();
    }
  }

  /** Returns the playback thread started last, which may have ended already. */
  Thread playbackThread() {
    return playbackThread;
  }

  Player.State state() {
    return state;
  }

  String currentTrackId() {
    return currentTrackId;
  }

  long positionMs() {
    return positionMs;
  }

  /** Returns true, and marks a thread as running, when none runs and one must be started. */
  private boolean claimThreadLocked() {
    if (threadRunning) {
      return false;
    }
    threadRunning = true;
    return true;
  }

  /** Starts a playback thread after {@link #claimThreadLocked} returned true. */
  private void startThread() {
    Thread thread = new Thread(this, Player.PLAYBACK_THREAD_NAME);
    thread.setDaemon(true);
    playbackThread = thread;
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      // For example an OutOfMemoryError when the system cannot create another native thread.
      lock.lock();
      try {
        threadRunning = false;
      } finally {
        lock.unlock();
      }
      throw e;
    }
  }

  private void signal() {
    lock.lock();
    try {
      signalled = true;
      wakeUp.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // Playback thread.

  /**
   * Runs commands and playback until the player is released.
   *
   * <p>A {@link RuntimeException} or {@link Error} that escapes the specific handlers, for
   * example an {@link OutOfMemoryError} or {@link StackOverflowError} thrown by a decoder, the
   * processor or the sink, stops playback with {@link PlaybackException#ERROR_INTERNAL}: the
   * tracks are closed, listeners get {@code onPlayerError} and the state becomes IDLE. The thread
   * then carries on with the next command, except after a {@link VirtualMachineError}, which it
   * rethrows so that the thread's uncaught exception handler receives it.
   */
  @Override
  public void run() {
    while (true) {
      try {
        if (!runCommands()) {
          break;
        }
        runOnce();
      } catch (RuntimeException | Error e) {
        failUnexpectedly(e);
        if (e instanceof VirtualMachineError) {
          endThread((VirtualMachineError) e);
        }
      }
    }
    closeAfterRelease();
  }

  private void runOnce() {
    if (current == null || paused) {
      awaitSignal();
      return;
    }
    if (refreshBuffer() == BufferState.BUFFERING) {
      awaitSignal();
      return;
    }
    step();
  }

  /**
   * Ends this thread by rethrowing {@code error}, after starting a replacement when a command or
   * the release is already waiting. Later commands start one themselves.
   */
  private void endThread(VirtualMachineError error) {
    boolean replace;
    lock.lock();
    try {
      threadRunning = false;
      replace = (released || !commands.isEmpty()) && claimThreadLocked();
    } finally {
      lock.unlock();
    }
    if (replace) {
      try {
        startThread();
      } catch (RuntimeException | Error startFailure) {
        error.addSuppressed(startFailure);
      }
    }
    throw error;
  }

  private void closeAfterRelease() {
    closeTrack(current);
    closeTrack(next);
    current = null;
    next = null;
    loader.close();
    // release() interrupts this thread; an interrupted thread cannot write to a FileChannel, so
    // a file sink could not finish its header. Clear the flag for the close, then restore it.
    boolean interrupted = Thread.interrupted();
    try {
      sink.close();
    } catch (IOException e) {
      LOG.warn("Closing the audio sink failed", e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    setState(Player.State.IDLE);
  }

  /** Runs queued commands, and returns false once the player is released. */
  private boolean runCommands() {
    while (true) {
      Runnable command;
      lock.lock();
      try {
        if (released) {
          return false;
        }
        command = commands.poll();
      } finally {
        lock.unlock();
      }
      if (command == null) {
        return true;
      }
      command.run();
    }
  }

  private void awaitSignal() {
    lock.lock();
    try {
      while (!signalled && !released) {
        wakeUp.await();
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      released = true;
    } finally {
      lock.unlock();
    }
  }

  void playQueue(List<String> trackIds) {
    discardTracks();
    queue = trackIds;
    paused = false;
    ended = false;
    if (queue.isEmpty()) {
      setState(Player.State.IDLE);
      return;
    }
    startTrackNow(0, Player.TransitionReason.PLAY);
  }

  void setPaused(boolean paused) {
    this.paused = paused;
    updateState();
  }

  void stopPlayback() {
    discardTracks();
    ended = false;
    setState(Player.State.IDLE);
  }

  void skipToNext() {
    if (current == null) {
      return;
    }
    if (current.queueIndex + 1 < queue.size()) {
      advanceTo(current.queueIndex + 1, Player.TransitionReason.SKIP);
    } else {
      endQueue();
    }
  }

  void seek(long requestedMs) {
    PreparedTrack track = current;
    if (track == null || track.decoder == null) {
      LOG.debug("Ignoring seek to {} ms: no current track", requestedMs);
      return;
    }
    Decoder decoder = track.decoder;
    if (!decoder.isSeekable()) {
      reportSeekError(PlaybackException.ERROR_SEEK_UNSUPPORTED, track, requestedMs, null);
      return;
    }

    long targetMs = Math.max(0, Math.min(requestedMs, track.manifest.durationMs()));
    long frame = track.format.usToFrames(targetMs * 1000);
    long hint = track.stream.seekIndexOffsetFor(frame);
    if (hint >= 0) {
      track.stream.prepareSeek(hint);
    }
    machine.startBuffering();
    publishBufferAndState(track.stream);

    try {
      decoder.seekToFrame(frame);
    } catch (DecoderException e) {
      if (e.reason() == DecoderException.Reason.SEEK_UNSUPPORTED) {
        reportSeekError(PlaybackException.ERROR_SEEK_UNSUPPORTED, track, targetMs, e);
      } else if (e.reason() == DecoderException.Reason.SEEK_OUT_OF_RANGE) {
        reportSeekError(PlaybackException.ERROR_OUT_OF_RANGE, track, targetMs, e);
      } else {
        fail(e);
      }
      return;
    } catch (IOException | RuntimeException e) {
      fail(e);
      return;
    }
    blockPending = false;
    positionMs = targetMs;
  }

  /** Reports a seek that could not be carried out. Playback goes on where it was. */
  private void reportSeekError(
      String reason, PreparedTrack track, long positionMs, DecoderException cause) {
    PlaybackException error =
        new PlaybackException(
            reason, "seek to " + positionMs + " ms in track " + track.trackId + " failed", cause);
    events.post(listener -> listener.onPlayerError(error));
  }

  /** Decodes one block, or writes the block that waited for the buffer. */
  private void step() {
    PreparedTrack track = current;
    if (!blockPending) {
      int frames;
      try {
        frames = track.decoder.read(pcm);
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      if (frames < 0) {
        onTrackEnded();
        return;
      }
      blockPending = true;
      positionMs = track.format.framesToUs(track.decoder.positionFrames()) / 1000;
      if (!machine.canPlay()) {
        return; // An underrun happened during the read, so the loop waits before writing.
      }
    }
    try {
      writePendingBlock();
    } catch (IOException | RuntimeException e) {
      fail(sinkFailure(e));
      return;
    }
    maybePrefetchNext(track);
    maybeOpenNextDecoder();
    maybeStepDown(track);
  }

  /**
   * Switches the rest of {@code track} to the next lower bitrate when its buffer fell below the
   * playback level while playing to a real-time sink. The new rendition starts loading at the
   * chunk that its seek index names for the current position, and its decoder seeks
   * sample-accurately to the frame after the last one played, decoding and discarding from that
   * entry.
   */
  private void maybeStepDown(PreparedTrack track) {
    if (!bitrateStepDown || current != track || !sink.isRealTime() || !machine.canPlay()) {
      return;
    }
    TrackStream stream = track.stream;
    if (stream.isLoadedToEnd()
        || stream.failure() != null
        || stream.bufferedAheadMs() >= policy.bufferForPlaybackMs()) {
      return;
    }
    Rendition lower = qualitySelector.stepDown(track.manifest, track.rendition);
    if (lower == null || (lower.encryption() != null && contentDecryption == null)) {
      return;
    }
    try {
      stepDown(track, lower);
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  // NOTE: the seek is the decoder's own. The Vorbis decoder bisects over pages, so it may read a
  // few chunks of the new rendition besides the seek-index chunk before output resumes.
  private void stepDown(PreparedTrack track, Rendition lower) throws IOException {
    Rendition from = track.rendition;
    PcmFormat fromFormat = track.format;
    long fromFrame = track.decoder.positionFrames();
    TrackStream newStream = loader.openStream(track.manifest, lower);
    ByteSource newSource = newStream.source();
    if (lower.encryption() != null) {
      try {
        newSource = contentDecryption.open(track.manifest, lower, newSource);
      } catch (PlaybackException | RuntimeException e) {
        newStream.close();
        throw e;
      }
    }
    long estimatedFrame = fromFrame * lower.sampleRateHz() / fromFormat.sampleRateHz();
    long hint = newStream.seekIndexOffsetFor(estimatedFrame);
    if (hint >= 0) {
      newStream.prepareSeek(hint);
    }
    LOG.debug(
        "Buffer of {} at {} ms is below {} ms; stepping down from {} to {}",
        track.trackId,
        track.stream.bufferedAheadMs(),
        policy.bufferForPlaybackMs(),
        from.id(),
        lower.id());
    closeQuietly(track.decoder);
    track.decoder = null;
    track.stream.close();
    track.rendition = lower;
    track.source = newSource;
    track.stream = newStream;
    newStream.setListener(currentStreamListener);
    loader.setCurrent(newStream);
    machine.startBuffering();
    reportedBufferMs = Long.MIN_VALUE;
    publishBufferAndState(newStream);

    openDecoder(track);
    if (hint >= 0) {
      // Reading the headers demanded chunk 0, so the seek-index chunk is requested again.
      newStream.prepareSeek(hint);
    }
    long toFrame = fromFrame * track.format.sampleRateHz() / fromFormat.sampleRateHz();
    long total = track.decoder.totalFrames();
    if (total >= 0) {
      toFrame = Math.min(toFrame, total);
    }
    track.decoder.seekToFrame(toFrame);
    if (!track.format.equals(fromFormat)) {
      startProcessor(track);
    }
    long switchedAtFrame = toFrame;
    events.post(
        listener ->
            listener.onBitrateStepDown(track.trackId, from, lower, fromFrame, switchedAtFrame));
  }

  private void writePendingBlock() throws IOException {
    int frames = pcm.frames;
    processor.process(pcm);
    if (pcm.frames != frames) {
      throw new IllegalStateException(
          "PcmProcessor changed the frame count from " + frames + " to " + pcm.frames);
    }
    writeToSink(pcm);
    blockPending = false;
  }

  /** Writes {@code block}, draining and reopening the sink first when its format changes. */
  private void writeToSink(PcmBuffer block) throws IOException {
    if (sinkFormat == null || !sinkFormat.equals(block.format)) {
      if (sinkFormat != null) {
        sink.drain();
      }
      sink.open(block.format);
      sinkFormat = block.format;
    }
    sink.write(block.samples, block.frames);
  }

  private void onTrackEnded() {
    if (current.queueIndex + 1 < queue.size()) {
      advanceTo(current.queueIndex + 1, Player.TransitionReason.AUTO);
    } else {
      endQueue();
    }
  }

  private void endQueue() {
    try {
      writeProcessorTail();
      if (sinkFormat != null) {
        sink.drain();
      }
    } catch (IOException e) {
      fail(sinkFailure(e));
      return;
    }
    discardTracks();
    ended = true;
    setState(Player.State.ENDED);
  }

  /** Starts queue entry {@code index}, using the prefetched track when it is ready. */
  private void advanceTo(int index, Player.TransitionReason reason) {
    PreparedTrack candidate = next;
    next = null;
    closeTrack(current);
    current = null;
    if (candidate != null
        && candidate.queueIndex == index
        && candidate.generation == generation
        && candidate.error == null
        && candidate.hasStream()) {
      startTrack(candidate, reason);
      return;
    }
    if (candidate != null && candidate.error != null && candidate.queueIndex == index) {
      fail(candidate.error);
      return;
    }
    closeTrack(candidate);
    generation++; // Makes an unfinished prefetch stale, so its result is discarded.
    startTrackNow(index, reason);
  }

  /** Prepares queue entry {@code index} on this thread and starts it. */
  private void startTrackNow(int index, Player.TransitionReason reason) {
    PreparedTrack track = new PreparedTrack(queue.get(index), index, generation);
    currentTrackId = track.trackId;
    positionMs = 0;
    machine.startBuffering();
    setState(Player.State.BUFFERING);
    try {
      prepare(track);
    } catch (PlaybackException e) {
      fail(e);
      return;
    }
    startTrack(track, reason);
  }

  private void startTrack(PreparedTrack track, Player.TransitionReason reason) {
    current = track;
    currentTrackId = track.trackId;
    positionMs = 0;
    blockPending = false;
    prefetchRequested = false;
    events.post(listener -> listener.onTrackChanged(track.trackId, track.queueIndex, reason));
    events.post(listener -> listener.onRenditionSelected(track.trackId, track.rendition));
    track.stream.setListener(currentStreamListener);
    loader.setCurrent(track.stream);
    machine.startBuffering();
    reportedBufferMs = Long.MIN_VALUE;
    publishBufferAndState(track.stream);
    try {
      if (track.decoder == null) {
        openDecoder(track);
      }
      startProcessor(track);
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Starts the processor on {@code track}. When the track's format differs from the previous
   * track's, the frames that the processor still delays are written first, in the previous format.
   */
  private void startProcessor(PreparedTrack track) throws IOException {
    if (processorFormat != null && !processorFormat.equals(track.format)) {
      writeProcessorTail();
    }
    processor.startTrack(track.format, track.manifest.loudness(), normalizationTargetLufs);
    processorFormat = track.format;
  }

  /** Writes the frames that the processor still delays to the sink. */
  private void writeProcessorTail() throws IOException {
    processor.flush(processorTail);
    if (processorTail.frames == 0) {
      return;
    }
    try {
      writeToSink(processorTail);
    } catch (IOException e) {
      throw sinkFailure(e);
    }
  }

  /** Empties the processor without playing what it delays, for a stop, a new queue or a failure. */
  private void discardProcessorTail() {
    try {
      processor.flush(processorTail);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Discarding the frames delayed in the PcmProcessor failed", e);
    }
  }

  /**
   * Fetches the manifest, chooses the rendition, opens its stream and, for an encrypted rendition,
   * the decrypting source over it. A track that the offline source stores is prepared from it
   * instead, with no request. Any thread.
   */
  private void prepare(PreparedTrack track) throws PlaybackException {
    if (offlineSource != null && prepareStored(track)) {
      return;
    }
    Manifest manifest = client.manifest(track.trackId);
    track.manifest = manifest;
    Rendition rendition = qualitySelector.select(manifest, quality, bandwidthMeter.estimateBps());
    track.rendition = rendition;
    if (rendition.encryption() != null && contentDecryption == null) {
      throw new PlaybackException(
          PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED,
          "track "
              + track.trackId
              + " rendition "
              + rendition.id()
              + " is encrypted ("
              + rendition.encryption().scheme()
              + ") and the player has no decryption stage");
    }
    TrackStream stream = loader.openStream(manifest, rendition);
    ByteSource source = stream.source();
    if (rendition.encryption() != null) {
      try {
        source = contentDecryption.open(manifest, rendition, source);
      } catch (PlaybackException | RuntimeException e) {
        stream.close();
        throw e;
      }
    }
    track.source = source;
    track.stream = stream;
  }

  /**
   * Prepares {@code track} from the offline source, or returns false when the source does not
   * store it. Any thread.
   */
  private boolean prepareStored(PreparedTrack track) throws PlaybackException {
    OfflineSource.StoredTrack stored = offlineSource.open(track.trackId);
    if (stored == null) {
      return false;
    }
    track.manifest = stored.manifest();
    track.rendition = stored.rendition();
    TrackStream stream =
        TrackStream.local(stored.manifest(), stored.rendition(), stored.plaintext());
    track.source = stream.source();
    track.stream = stream;
    return true;
  }

  private void openDecoder(PreparedTrack track) throws IOException {
    Decoder decoder = decoderFactory.open(track.rendition.codec(), track.source);
    try {
      track.format = decoder.format();
    } catch (IOException | RuntimeException e) {
      closeQuietly(decoder);
      throw e;
    }
    track.decoder = decoder;
  }

  private void maybePrefetchNext(PreparedTrack track) {
    if (prefetchRequested || track.queueIndex + 1 >= queue.size()) {
      return;
    }
    if (!policy.shouldPrefetchNext(track.manifest.durationMs() - positionMs)) {
      return;
    }
    prefetchRequested = true;
    PreparedTrack upcoming =
        new PreparedTrack(queue.get(track.queueIndex + 1), track.queueIndex + 1, generation);
    next = upcoming;
    try {
      loaderExecutor.execute(() -> prefetch(upcoming));
    } catch (RejectedExecutionException e) {
      upcoming.error =
          new PlaybackException(
              PlaybackException.ERROR_CANCELLED, "loader executor rejected the prefetch", e);
    }
  }

  /**
   * Runs on a loader thread. An {@link Error} from a plug-in, such as the decryption stage or the
   * offline source, becomes the track's {@link PlaybackException#ERROR_INTERNAL}, reported when
   * the track is due. A {@link VirtualMachineError} is rethrown afterwards, so that the loader
   * thread's uncaught exception handler receives it.
   */
  private void prefetch(PreparedTrack upcoming) {
    VirtualMachineError fatal = null;
    try {
      prepare(upcoming);
    } catch (PlaybackException e) {
      LOG.warn("Prefetch of track {} failed: {}", upcoming.trackId, e.reason());
      upcoming.error = e;
    } catch (RuntimeException e) {
      LOG.error("Prefetch of track {} failed unexpectedly", upcoming.trackId, e);
      upcoming.error =
          new PlaybackException(
              PlaybackException.ERROR_NETWORK, "prefetch of " + upcoming.trackId + " failed", e);
    } catch (Error e) {
      LOG.error("Prefetch of track {} failed with an error", upcoming.trackId, e);
      upcoming.error = internalError("prefetch of track " + upcoming.trackId, e);
      if (e instanceof VirtualMachineError) {
        fatal = (VirtualMachineError) e;
      }
    }
    post(() -> onPrefetched(upcoming));
    if (fatal != null) {
      throw fatal;
    }
  }

  private void onPrefetched(PreparedTrack upcoming) {
    if (next != upcoming || upcoming.generation != generation) {
      closeTrack(upcoming);
      return;
    }
    if (upcoming.hasStream()) {
      // Handed to the loader here, on the playback thread, because only this thread changes
      // the generation: a loader-thread check could pass just before a transition discarded
      // the prefetch, and a stale stream would then take the loader's next slot.
      upcoming.stream.setListener(nextStreamListener);
      loader.setNext(upcoming.stream);
    }
  }

  /**
   * Opens the next track's decoder and reads its headers once its first seconds are loaded, so
   * that it is ready before the current track ends.
   */
  private void maybeOpenNextDecoder() {
    PreparedTrack upcoming = next;
    if (upcoming == null
        || !upcoming.hasStream()
        || upcoming.decoder != null
        || upcoming.error != null) {
      return;
    }
    TrackStream stream = upcoming.stream;
    if (stream.failure() == null
        && !stream.isLoadedToEnd()
        && stream.bufferedAheadMs() < policy.prefetchBufferMs()) {
      return;
    }
    try {
      openDecoder(upcoming);
    } catch (IOException | RuntimeException e) {
      upcoming.error = toPlaybackException(e);
    }
  }

  private BufferState refreshBuffer() {
    TrackStream stream = current.stream;
    boolean nothingMoreToCome = stream.isLoadedToEnd() || stream.failure() != null;
    machine.update(stream.bufferedAheadMs(), nothingMoreToCome);
    publishBufferAndState(stream);
    return machine.state();
  }

  private void publishBufferAndState(TrackStream stream) {
    BufferState bufferState = machine.state();
    long bufferedMs = stream.bufferedAheadMs();
    if (bufferState != reportedBufferState
        || Math.abs(bufferedMs - reportedBufferMs) >= Player.BUFFER_REPORT_STEP_MS) {
      reportedBufferState = bufferState;
      reportedBufferMs = bufferedMs;
      events.post(listener -> listener.onBufferChanged(bufferState, bufferedMs));
    }
    updateState();
  }

  private void updateState() {
    Player.State derived;
    if (current == null) {
      derived = ended ? Player.State.ENDED : Player.State.IDLE;
    } else if (paused) {
      derived = Player.State.PAUSED;
    } else if (machine.state() == BufferState.BUFFERING) {
      derived = Player.State.BUFFERING;
    } else {
      derived = Player.State.PLAYING;
    }
    setState(derived);
  }

  /** Sets the state that the playback thread derived; the loader may turn BUFFERING to WAITING. */
  private void setState(Player.State newState) {
    synchronized (stateLock) {
      baseState = newState;
      publishStateLocked();
    }
  }

  /** Runs on a loader thread when every edge failed, and when a chunk arrived again. */
  private void setNetworkWaiting(boolean waiting) {
    synchronized (stateLock) {
      networkWaiting = waiting;
      publishStateLocked();
    }
  }

  private void publishStateLocked() {
    Player.State effective =
        baseState == Player.State.BUFFERING && networkWaiting
            ? Player.State.WAITING_FOR_NETWORK
            : baseState;
    if (state != effective) {
      state = effective;
      events.post(listener -> listener.onStateChanged(effective));
    }
  }

  private void fail(Throwable error) {
    discardTracks();
    report(toPlaybackException(error));
  }

  /**
   * Stops playback after {@code error} escaped every specific handler on this thread, and reports
   * {@link PlaybackException#ERROR_INTERNAL}. A failure while closing the tracks is attached to
   * {@code error} as suppressed, so the report still goes out.
   */
  private void failUnexpectedly(Throwable error) {
    LOG.error("Playback thread caught an unexpected {}", error.getClass().getName(), error);
    try {
      discardTracks();
    } catch (RuntimeException | Error cleanupFailure) {
      error.addSuppressed(cleanupFailure);
    }
    report(internalError("playback thread", error));
  }

  /** Reports a failure that stopped playback, after the tracks were discarded. */
  private void report(PlaybackException playbackError) {
    ended = false;
    if (isReleased()) {
      // release() interrupts blocked reads, so this ERROR_CANCELLED is not a failure.
      LOG.debug("Playback ended by release: {}", playbackError.reason());
      return;
    }
    LOG.warn("Playback stopped: {} {}", playbackError.reason(), playbackError.getMessage());
    events.post(listener -> listener.onPlayerError(playbackError));
    setState(Player.State.IDLE);
  }

  private boolean isReleased() {
    lock.lock();
    try {
      return released;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets the current and next track, closes them and discards the frames delayed in the
   * processor. The fields are cleared first, so that a close that throws leaves no track behind.
   */
  private void discardTracks() {
    generation++;
    PreparedTrack oldCurrent = current;
    PreparedTrack oldNext = next;
    current = null;
    next = null;
    currentTrackId = null;
    blockPending = false;
    prefetchRequested = false;
    loader.setCurrent(null);
    loader.setNext(null);
    try {
      closeTrack(oldCurrent);
    } finally {
      try {
        closeTrack(oldNext);
      } finally {
        discardProcessorTail();
      }
    }
  }

  private void closeTrack(PreparedTrack track) {
    if (track == null) {
      return;
    }
    if (track.decoder != null) {
      closeQuietly(track.decoder);
      track.decoder = null;
    }
    if (track.stream != null) {
      track.stream.close();
    }
  }

  private static void closeQuietly(Decoder decoder) {
    try {
      decoder.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing a decoder failed", e);
    }
  }

  private static PlaybackException sinkFailure(Throwable error) {
    PlaybackException inChain = PlaybackException.findInChain(error);
    if (inChain != null) {
      return inChain;
    }
    return new PlaybackException(
        PlaybackException.ERROR_SINK, "audio sink failed: " + error, error);
  }

  /** Wraps a throwable that no specific handler of {@code context} expected. */
  static PlaybackException internalError(String context, Throwable error) {
    return new PlaybackException(
        PlaybackException.ERROR_INTERNAL,
        context + " failed with " + error.getClass().getName() + ": " + error.getMessage(),
        error);
  }

  static PlaybackException toPlaybackException(Throwable error) {
    PlaybackException inChain = PlaybackException.findInChain(error);
    if (inChain != null) {
      return inChain;
    }
    if (error instanceof DecoderException) {
      DecoderException decoderError = (DecoderException) error;
      return new PlaybackException(
          PlaybackException.ERROR_DECODER,
          "decoding failed (" + decoderError.reason() + "): " + error.getMessage(),
          error);
    }
    if (error instanceof IOException) {
      return new PlaybackException(
          PlaybackException.ERROR_NETWORK, "playback failed: " + error, error);
    }
    if (error instanceof Error) {
      return internalError("playback", error);
    }
    return new PlaybackException(
        PlaybackException.ERROR_DECODER, "playback failed unexpectedly: " + error, error);
  }
}
