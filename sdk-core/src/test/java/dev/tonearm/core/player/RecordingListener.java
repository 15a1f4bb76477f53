package dev.tonearm.core.player;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.buffer.BufferState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records {@link Player.Listener} events as strings such as {@code "state PLAYING"} and lets a
 * test wait for one. Thread-safe; with a direct listener executor the events arrive on the
 * playback and loader threads in the order they happened.
 */
final class RecordingListener implements Player.Listener {
  private static final long WAIT_LIMIT_SECONDS = 20;

  private final List<String> events = new ArrayList<>();
  private final List<PlaybackException> errors = new ArrayList<>();

  @Override
  public synchronized void onStateChanged(Player.State state) {
    add("state " + state);
  }

  @Override
  public synchronized void onBufferChanged(BufferState bufferState, long bufferedMs) {
    add("buffer " + bufferState);
  }

  @Override
  public synchronized void onLoadingChanged(boolean loading) {
    add("loading " + loading);
  }

  @Override
  public synchronized void onTrackChanged(
      String trackId, int queueIndex, Player.TransitionReason reason) {
    add("track " + trackId + " " + queueIndex + " " + reason);
  }

  @Override
  public synchronized void onRenditionSelected(String trackId, Rendition rendition) {
    add("rendition " + trackId + " " + rendition.id() + " " + rendition.bitrateKbps());
  }

  @Override
  public synchronized void onEdgeChanged(String trackId, String edgeBaseUrl) {
    add("edge " + trackId + " " + edgeBaseUrl);
  }

  @Override
  public synchronized void onPlayerError(PlaybackException error) {
    errors.add(error);
    add("error " + error.reason());
  }

  synchronized List<String> events() {
    return new ArrayList<>(events);
  }

  synchronized List<PlaybackException> errors() {
    return new ArrayList<>(errors);
  }

  /** Returns the last event starting with {@code prefix}, or null. */
  synchronized String last(String prefix) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).startsWith(prefix)) {
        return events.get(i);
      }
    }
    return null;
  }

  /** Waits until an event equal to {@code event} is recorded. */
  void await(String event) throws InterruptedException {
    awaitMatch(events -> events.contains(event), "event " + event);
  }

  /** Waits until the state is ENDED or IDLE after an error. */
  void awaitEndedOrError() throws InterruptedException {
    awaitMatch(
        events -> events.contains("state ENDED") || !errors.isEmpty(), "end of queue or error");
  }

  /** Waits until the loader's last reported state is idle. */
  void awaitLoadingIdle() throws InterruptedException {
    awaitMatch(events -> "loading false".equals(lastOf(events, "loading")), "loader idle");
  }

  /** Waits until {@code condition} holds for the recorded events. */
  synchronized void awaitMatch(Predicate<List<String>> condition, String description)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_LIMIT_SECONDS);
    while (!condition.test(events)) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (leftMs <= 0) {
        throw new AssertionError("timed out waiting for " + description + "; events: " + events);
      }
      wait(leftMs);
    }
  }

  private static String lastOf(List<String> events, String prefix) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).startsWith(prefix)) {
        return events.get(i);
      }
    }
    return null;
  }

  private void add(String event) {
    events.add(event);
    notifyAll();
  }
}
