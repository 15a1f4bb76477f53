package dev.tonearm.cli;

import dev.tonearm.core.Clock;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.buffer.BufferState;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.player.LoudnessProcessor;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.session.PlaybackSessionClient;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.core.sink.desktop.JavaSoundSink;
import dev.tonearm.drm.DrmException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Plays a list of tracks through the SDK's {@link Player} and reports progress: a live status line
 * on a terminal, plain log lines otherwise. Encrypted renditions are decrypted with licences for
 * this machine, kept in the key store of {@code --key-store}. The key store's device holds the
 * account's playback session while it plays, and stops when another device takes it over.
 * Tracks played to the end are reported as recommendation feedback.
 *
 * <p>Not to be confused with the SDK's {@link PlaybackSessionClient}, which this class uses for
 * the server-side session.
 */
final class PlaybackSession {
  /** Default WAV file when there is no sound device and no {@code --out}. */
  static final String DEFAULT_WAV_NAME = "tonearm-output.wav";

  /** Interval between status updates while playing: 250 ms on a terminal. */
  private static final long TERMINAL_STATUS_INTERVAL_MS = 250;

  /** Interval between status lines when standard output is not a terminal: 5000 ms. */
  private static final long LOG_STATUS_INTERVAL_MS = 5_000;

  /** Value of {@link StatusListener#waitingSinceMs} while the player is not waiting. */
  private static final long NOT_WAITING = -1;

  /** Advice appended to a device-limit error. */
  private static final String DEVICE_LIMIT_REMEDY =
      ". Every key store file registers one device, and the account has no free device"
          + " slot: list its devices with 'tonearm devices --server URL', then free one with"
          + " 'tonearm devices remove DEVICE_ID --server URL', or reuse an existing --key-store";

  private static final Logger LOG = LoggerFactory.getLogger(PlaybackSession.class);

  /** Creates the audio sink of one playback, or null for the speakers or the WAV default. */
  interface SinkFactory {
    AudioSink create() throws IOException;
  }

  private final TonearmClient client;
  private final PlaybackOptions options;
  private final String sessionEventsUrl;
  private final SinkFactory sinkFactory;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Clock clock;

  /**
   * Creates a playback of the account that {@code client} is logged in to.
   *
   * @param sessionEventsUrl {@code ws://} URL of the server's session events socket, or null to
   *     notice a takeover by another device only at the next session heartbeat
   * @param sinkFactory sink for the audio, or null to choose the speakers or a WAV file from the
   *     options
   */
  PlaybackSession(
      TonearmClient client,
      PlaybackOptions options,
      String sessionEventsUrl,
      SinkFactory sinkFactory,
      PrintWriter out,
      PrintWriter err) {
    this.client = client;
    this.options = options;
    this.sessionEventsUrl = sessionEventsUrl;
    this.sinkFactory = sinkFactory;
    this.out = out;
    this.err = err;
    this.clock = Clock.SYSTEM;
  }

  /**
   * Checks the options that can be wrong before anything streams.
   *
   * @throws ParameterException for a cache size below 1 MB, a negative network timeout, or a
   *     folder of {@code --out}, {@code --cache-dir} or {@code --key-store} that is missing or not
   *     writable
   */
  static void validate(PlaybackOptions options, CommandSpec spec) {
    if (options.cacheSizeMb < 1) {
      throw new ParameterException(
          spec.commandLine(), "--cache-size-mb must be at least 1: " + options.cacheSizeMb);
    }
    if (options.networkTimeoutS < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--network-timeout must be 0 (wait for ever) or more seconds: "
              + options.networkTimeoutS);
    }
    if (options.out != null) {
      FolderChecks.requireWritableFile(spec, "--out", options.out);
    }
    if (options.cacheDir != null) {
      FolderChecks.requireWritableOrCreatableFolder(spec, "--cache-dir", options.cacheDir);
    }
    if (options.keyStore != null) {
      FolderChecks.requireWritableFile(spec, "--key-store", options.keyStore);
    }
  }

  /**
   * Claims the account's playback session for this machine, plays {@code trackIds} to the end and
   * returns the process exit code: 0 at the end, {@link TonearmCli#EXIT_FAILURE} after an error,
   * {@link TonearmCli#EXIT_SUPERSEDED} when another device took over the session.
   */
  int play(List<String> trackIds) throws IOException, InterruptedException {
    Path keyStore = options.keyStore != null ? options.keyStore : CliDecryption.DEFAULT_KEY_STORE;
    CliDecryption.CliDevice device;
    try {
      device = CliDecryption.openRegistered(client, keyStore);
    } catch (DrmException e) {
      String remedy =
          e.reason() == DrmException.ERROR_DEVICE_LIMIT_REACHED ? DEVICE_LIMIT_REMEDY : "";
      err.println("error: " + e.reasonName() + ": " + e.getMessage() + remedy);
      return TonearmCli.EXIT_FAILURE;
    }
    try (PlaybackSessionClient playbackSession =
        PlaybackSessionClient.builder()
            .setClient(client)
            .setDeviceId(device.deviceId())
            .setEventsUrl(sessionEventsUrl)
            .build()) {
      // A synchronous start fails fast, for example when the device is not the account's, and
      // orders this claim before any later one by another device.
      playbackSession.start();
      out.println("playing on device " + device.deviceId() + " (" + CliDecryption.DEVICE_NAME
          + "); starting playback on another device of the account stops it here");
      StatusListener status = new StatusListener(trackIds.size());
      playbackSession.addListener(status.sessionErrors);
      int exitCode = play(trackIds, device, playbackSession, status);
      if (exitCode != TonearmCli.EXIT_SUPERSEDED) {
        endQuietly(playbackSession);
      }
      return exitCode;
    }
  }

  private int play(
      List<String> trackIds,
      CliDecryption.CliDevice device,
      PlaybackSessionClient playbackSession,
      StatusListener status)
      throws IOException, InterruptedException {
    Path wavPath = options.out;
    AudioSink sink = sinkFactory != null ? sinkFactory.create() : null;
    if (sink != null) {
      wavPath = null;
    } else if (wavPath == null && JavaSoundSink.isAvailable()) {
      sink = new JavaSoundSink();
      out.println("playing to the default sound device");
    } else {
      if (wavPath == null) {
        wavPath = Paths.get(DEFAULT_WAV_NAME).toAbsolutePath();
        out.println("no sound device found; writing the audio to WAV files instead");
      }
      // The sink prints each file as it opens it, because a format change starts a new file.
      sink = new AnnouncingWavSink(WavFileSink.builder(wavPath.toAbsolutePath()).build(), out);
    }
    out.flush();

    Path cacheDir =
        options.cacheDir != null
            ? options.cacheDir
            : Paths.get(System.getProperty("java.io.tmpdir"), "tonearm-stream-cache");
    try (StreamCache cache = StreamCache.open(cacheDir, options.cacheSizeMb * 1024 * 1024);
        FeedbackReporter feedback = new FeedbackReporter(client)) {
      Player player =
          Player.builder()
              .setClient(client)
              .setSink(sink)
              .setQuality(options.quality)
              .setPcmProcessor(new LoudnessProcessor(options.normalization))
              .setCache(cache)
              .setContentDecryption(device.decryption())
              .setPlaybackSession(playbackSession)
              .build();
      // The feedback listener goes first, so that it queues the last PLAY before the status
      // listener lets this thread close the reporter.
      player.addListener(feedback);
      player.addListener(status);
      try {
        player.play(trackIds);
        boolean terminal = System.console() != null;
        long intervalMs = terminal ? TERMINAL_STATUS_INTERVAL_MS : LOG_STATUS_INTERVAL_MS;
        while (!status.finished.await(nextWakeUpMs(status, intervalMs), TimeUnit.MILLISECONDS)) {
          if (networkTimedOut(status)) {
            player.stop();
            status.error.compareAndSet(null, networkTimeoutError(status));
            break;
          }
          printStatus(player, status, terminal);
        }
        if (terminal) {
          out.println();
        }
        // Printed before the release, which waits for the playback thread to stop.
        printSupersededLine(status.supersededBy.get());
      } finally {
        player.release();
      }
    } finally {
      sink.close();
    }
    if (status.supersededBy.get() != null) {
      return TonearmCli.EXIT_SUPERSEDED;
    }
    PlaybackException error = status.error.get();
    if (error == null) {
      out.println("finished " + trackIds.size() + " track(s)");
    }
    if (sink instanceof AnnouncingWavSink) {
      for (Path file : ((AnnouncingWavSink) sink).files()) {
        out.println("wrote " + file);
      }
    }
    out.flush();
    if (error != null) {
      err.println("error: " + error.reason() + ": " + error.getMessage() + remedy(error));
      return TonearmCli.EXIT_FAILURE;
    }
    return 0;
  }

  /**
   * Returns how long the status loop may sleep: the status interval, or less when the network
   * timeout runs out sooner.
   */
  private long nextWakeUpMs(StatusListener status, long intervalMs) {
    long waitingSinceMs = status.waitingSinceMs;
    if (options.networkTimeoutS == 0 || waitingSinceMs == NOT_WAITING) {
      return intervalMs;
    }
    long leftMs = waitingSinceMs + options.networkTimeoutS * 1000 - clock.elapsedRealtimeMs();
    return Math.max(1, Math.min(intervalMs, leftMs));
  }

  private boolean networkTimedOut(StatusListener status) {
    long waitingSinceMs = status.waitingSinceMs;
    return options.networkTimeoutS > 0
        && waitingSinceMs != NOT_WAITING
        && clock.elapsedRealtimeMs() - waitingSinceMs >= options.networkTimeoutS * 1000;
  }

  private PlaybackException networkTimeoutError(StatusListener status) {
    PlaybackException lastFailure = status.lastNetworkFailure;
    String message =
        "every edge failed and no audio arrived within --network-timeout "
            + options.networkTimeoutS
            + " s. Check that the server is running and reachable, or raise --network-timeout";
    if (lastFailure != null) {
      message += " (last failure: " + lastFailure.getMessage() + ")";
    }
    return new PlaybackException(PlaybackException.ERROR_NETWORK, message, lastFailure);
  }

  /** Returns advice to append to the message of {@code error}, or an empty string. */
  private static String remedy(PlaybackException error) {
    return isDeviceLimit(error) ? DEVICE_LIMIT_REMEDY : "";
  }

  private static boolean isDeviceLimit(PlaybackException error) {
    if ("DEVICE_LIMIT_REACHED".equals(error.serverCode())) {
      return true;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof DrmException
          && ((DrmException) cause).reason() == DrmException.ERROR_DEVICE_LIMIT_REACHED) {
        return true;
      }
    }
    return false;
  }

  private void printSupersededLine(String byDeviceId) {
    if (byDeviceId == null) {
      return;
    }
    out.println(
        "playback moved to another device"
            + (byDeviceId.isEmpty() ? "" : " (" + byDeviceId + ")")
            + "; stopped here");
    out.flush();
  }

  /** Ends the session so that the account is free at once; the server expires it otherwise. */
  private void endQuietly(PlaybackSessionClient playbackSession) {
    try {
      playbackSession.end();
    } catch (PlaybackException e) {
      LOG.warn("ending the playback session failed: {}", e.getMessage());
    }
  }

  private void printStatus(Player player, StatusListener status, boolean terminal) {
    Rendition rendition = status.rendition;
    String line =
        String.format(
            "%-9s track %d/%d  %s  buffer %5.1f s (%s)  %s  edge %s",
            player.state(),
            status.queueIndex + 1,
            status.queueLength,
            formatPosition(player.positionMs()),
            status.bufferedMs / 1000.0,
            status.bufferState,
            rendition == null ? "-" : rendition.codec() + " " + rendition.bitrateKbps() + " kbps",
            status.edge == null ? "-" : status.edge);
    if (terminal) {
      out.print("\r" + line + "   ");
    } else {
      out.println(line);
    }
    out.flush();
  }

  private static String formatPosition(long positionMs) {
    long seconds = Math.max(0, positionMs) / 1000;
    return String.format("%d:%02d", seconds / 60, seconds % 60);
  }

  /** Collects player events for the status line; fields are written on the listener thread. */
  private final class StatusListener implements Player.Listener {
    final CountDownLatch finished = new CountDownLatch(1);
    final AtomicReference<PlaybackException> error = new AtomicReference<>();

    /** Id of the device that took over, empty when unknown, null while this device plays. */
    final AtomicReference<String> supersededBy = new AtomicReference<>();

    /**
     * Session failures. The player passes them on to {@link #onPlayerError} as well, but they do
     * not stop playback, so that method skips the instances recorded here.
     */
    final Set<PlaybackException> sessionErrorSet = ConcurrentHashMap.newKeySet();

    final PlaybackSessionClient.Listener sessionErrors =
        new PlaybackSessionClient.Listener() {
          @Override
          public void onSessionError(PlaybackException sessionError) {
            sessionErrorSet.add(sessionError);
            LOG.warn("playback session: {}", sessionError.getMessage());
          }
        };
    final int queueLength;
    volatile int queueIndex;
    volatile long bufferedMs;
    volatile BufferState bufferState = BufferState.BUFFERING;
    volatile Rendition rendition;
    volatile String edge;
    /** Clock time at which the player entered {@code WAITING_FOR_NETWORK}, or NOT_WAITING. */
    volatile long waitingSinceMs = NOT_WAITING;
    volatile PlaybackException lastNetworkFailure;

    StatusListener(int queueLength) {
      this.queueLength = queueLength;
    }

    @Override
    public void onStateChanged(Player.State state) {
      if (state == Player.State.WAITING_FOR_NETWORK) {
        if (waitingSinceMs == NOT_WAITING) {
          waitingSinceMs = clock.elapsedRealtimeMs();
        }
      } else {
        waitingSinceMs = NOT_WAITING;
      }
      if (state == Player.State.ENDED) {
        finished.countDown();
      }
    }

    @Override
    public void onRetryScheduled(
        String trackId, int chunkIndex, int attempt, long delayMs, PlaybackException failure) {
      lastNetworkFailure = failure;
    }

    @Override
    public void onBufferChanged(BufferState state, long bufferedMillis) {
      bufferState = state;
      bufferedMs = bufferedMillis;
    }

    @Override
    public void onTrackChanged(String trackId, int index, Player.TransitionReason reason) {
      queueIndex = index;
      if (System.console() == null) {
        out.println("track " + (index + 1) + "/" + queueLength + ": " + trackId);
        out.flush();
      }
    }

    @Override
    public void onRenditionSelected(String trackId, Rendition selected) {
      rendition = selected;
    }

    @Override
    public void onEdgeChanged(String trackId, String edgeBaseUrl) {
      edge = edgeBaseUrl;
    }

    @Override
    public void onPlayerError(PlaybackException playbackError) {
      if (sessionErrorSet.remove(playbackError)) {
        return;
      }
      error.compareAndSet(null, playbackError);
      finished.countDown();
    }

    @Override
    public void onPlaybackSuperseded(String byDeviceId, PlaybackException reason) {
      supersededBy.compareAndSet(null, byDeviceId == null ? "" : byDeviceId);
      finished.countDown();
    }
  }
}
