package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.buffer.BufferState;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.player.LoudnessProcessor;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.core.sink.desktop.JavaSoundSink;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.drm.DrmException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Plays a list of tracks through the SDK's {@link Player} and reports progress: a live status line
 * on a terminal, plain log lines otherwise. Encrypted renditions are decrypted with licences for
 * this machine, kept in the key store of {@code --key-store}.
 */
final class PlaybackSession {
  /** Default WAV file when there is no sound device and no {@code --out}. */
  static final String DEFAULT_WAV_NAME = "tonearm-output.wav";

  /** Interval between status updates while playing: 250 ms on a terminal. */
  private static final long TERMINAL_STATUS_INTERVAL_MS = 250;

  /** Interval between status lines when standard output is not a terminal: 5000 ms. */
  private static final long LOG_STATUS_INTERVAL_MS = 5_000;

  private final TonearmClient client;
  private final PlaybackOptions options;
  private final PrintWriter out;
  private final PrintWriter err;

  PlaybackSession(TonearmClient client, PlaybackOptions options, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /**
   * Checks the options that can be wrong before anything streams.
   *
   * @throws ParameterException for a cache size below 1 MB or an output folder that is missing
   */
  static void validate(PlaybackOptions options, CommandSpec spec) {
    if (options.cacheSizeMb < 1) {
      throw new ParameterException(
          spec.commandLine(), "--cache-size-mb must be at least 1: " + options.cacheSizeMb);
    }
    if (options.out != null) {
      Path parent = options.out.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new ParameterException(
            spec.commandLine(), "--out folder does not exist: " + parent);
      }
    }
  }

  /** Plays {@code trackIds} to the end and returns the process exit code. */
  int play(List<String> trackIds) throws IOException, InterruptedException {
    Path keyStore = options.keyStore != null ? options.keyStore : CliDecryption.DEFAULT_KEY_STORE;
    DrmContentDecryption decryption;
    try {
      decryption = CliDecryption.open(client, keyStore);
    } catch (DrmException e) {
      err.println("error: " + e.reasonName() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
    Path wavPath = options.out;
    AudioSink sink;
    if (wavPath == null && JavaSoundSink.isAvailable()) {
      sink = new JavaSoundSink();
      out.println("playing to the default sound device");
    } else {
      if (wavPath == null) {
        wavPath = Paths.get(DEFAULT_WAV_NAME).toAbsolutePath();
        out.println("no sound device found; writing the audio to " + wavPath);
      } else {
        out.println("writing the audio to " + wavPath.toAbsolutePath());
      }
      sink = WavFileSink.builder(wavPath).build();
    }
    out.flush();

    Path cacheDir =
        options.cacheDir != null
            ? options.cacheDir
            : Paths.get(System.getProperty("java.io.tmpdir"), "tonearm-stream-cache");
    StatusListener status = new StatusListener(trackIds.size());
    try (StreamCache cache = StreamCache.open(cacheDir, options.cacheSizeMb * 1024 * 1024)) {
      Player player =
          Player.builder()
              .setClient(client)
              .setSink(sink)
              .setQuality(options.quality)
              .setPcmProcessor(new LoudnessProcessor(options.normalization))
              .setCache(cache)
              .setContentDecryption(decryption)
              .build();
      player.addListener(status);
      try {
        player.play(trackIds);
        boolean terminal = System.console() != null;
        long intervalMs = terminal ? TERMINAL_STATUS_INTERVAL_MS : LOG_STATUS_INTERVAL_MS;
        while (!status.finished.await(intervalMs, TimeUnit.MILLISECONDS)) {
          printStatus(player, status, terminal);
        }
        if (terminal) {
          out.println();
        }
      } finally {
        player.release();
      }
    } finally {
      sink.close();
    }
    PlaybackException error = status.error.get();
    if (error != null) {
      err.println("error: " + error.reason() + ": " + error.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
    out.println("finished " + trackIds.size() + " track(s)");
    if (wavPath != null && sink instanceof WavFileSink) {
      for (Path file : ((WavFileSink) sink).files()) {
        out.println("wrote " + file.toAbsolutePath());
      }
    }
    return 0;
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
    final int queueLength;
    volatile int queueIndex;
    volatile long bufferedMs;
    volatile BufferState bufferState = BufferState.BUFFERING;
    volatile Rendition rendition;
    volatile String edge;

    StatusListener(int queueLength) {
      this.queueLength = queueLength;
    }

    @Override
    public void onStateChanged(Player.State state) {
      if (state == Player.State.ENDED) {
        finished.countDown();
      }
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
      error.compareAndSet(null, playbackError);
      finished.countDown();
    }
  }
}
