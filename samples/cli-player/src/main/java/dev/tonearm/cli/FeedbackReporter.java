package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.FeedbackEvent;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.player.Player;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends recommendation feedback for the tracks a player finishes: {@code PLAY} for a track that
 * played to its end and {@code SKIP} for one left with {@link Player#skipToNext()}. Requests run
 * one at a time on a thread of this reporter, so a slow server never delays player events. A
 * failed request is logged and dropped, because feedback only tunes later recommendations.
 *
 * <p>Threading: the player calls the listener methods on its listener thread; {@link #close()}
 * may be called from any thread.
 */
final class FeedbackReporter implements Player.Listener, AutoCloseable {
  /** Time that {@link #close()} waits for queued requests: 5000 ms. */
  static final long CLOSE_TIMEOUT_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(FeedbackReporter.class);

  private final TonearmClient client;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tonearm-cli-feedback");
            thread.setDaemon(true);
            return thread;
          });

  /** Track that is playing, written and read on the player's listener thread only. */
  private String currentTrackId;

  FeedbackReporter(TonearmClient client) {
    this.client = client;
  }

  @Override
  public void onTrackChanged(String trackId, int queueIndex, Player.TransitionReason reason) {
    String previous = currentTrackId;
    currentTrackId = trackId;
    if (previous == null) {
      return;
    }
    if (reason == Player.TransitionReason.AUTO) {
      send(previous, FeedbackEvent.PLAY);
    } else if (reason == Player.TransitionReason.SKIP) {
      send(previous, FeedbackEvent.SKIP);
    }
  }

  @Override
  public void onStateChanged(Player.State state) {
    if (state == Player.State.ENDED && currentTrackId != null) {
      send(currentTrackId, FeedbackEvent.PLAY);
      currentTrackId = null;
    }
  }

  /** Sends the queued feedback, waiting up to {@link #CLOSE_TIMEOUT_MS}, and stops the thread. */
  @Override
  public void close() throws InterruptedException {
    sender.shutdown();
    if (!sender.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      LOG.warn("feedback still unsent after {} ms; dropping it", CLOSE_TIMEOUT_MS);
      sender.shutdownNow();
    }
  }

  private void send(String trackId, FeedbackEvent event) {
    try {
      sender.execute(
          () -> {
            try {
              client.sendFeedback(trackId, event);
            } catch (PlaybackException e) {
              LOG.warn(
                  "sending {} feedback for track {} failed: {}", event, trackId, e.getMessage());
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.warn("{} feedback for track {} came after close; dropping it", event, trackId);
    }
  }
}
