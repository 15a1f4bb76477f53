package dev.tonearm.server.resilience;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.player.Player;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records player events as text and keeps the objects that tests inspect. Thread-safe. */
final class PlayerEvents implements Player.Listener {
  /** One announced bitrate switch. */
  record StepDown(String trackId, Rendition from, Rendition to, long fromFrame, long toFrame) {}

  /** One failover from an edge. */
  record Failover(
      String trackId, int chunkIndex, String from, String to, PlaybackException error) {}

  private final List<String> events = new ArrayList<>();
  private final List<Rendition> selected = new ArrayList<>();
  private final List<StepDown> stepDowns = new ArrayList<>();
  private final List<Failover> failovers = new ArrayList<>();
  private final List<PlaybackException> retries = new ArrayList<>();
  private final List<Long> retryDelaysMs = new ArrayList<>();
  private final List<PlaybackException> errors = new ArrayList<>();

  @Override
  public synchronized void onStateChanged(Player.State state) {
    add("state " + state);
  }

  @Override
  public synchronized void onTrackChanged(
      String trackId, int queueIndex, Player.TransitionReason reason) {
    add("track " + trackId + " " + reason);
  }

  @Override
  public synchronized void onRenditionSelected(String trackId, Rendition rendition) {
    selected.add(rendition);
    add("rendition " + trackId + " " + rendition.id());
  }

  @Override
  public synchronized void onChunkFailover(
      String trackId, int chunkIndex, String failedEdge, String nextEdge, PlaybackException error) {
    failovers.add(new Failover(trackId, chunkIndex, failedEdge, nextEdge, error));
    add("failover " + trackId + " chunk " + chunkIndex + " " + error.reason());
  }

  @Override
  public synchronized void onRetryScheduled(
      String trackId, int chunkIndex, int attempt, long delayMs, PlaybackException error) {
    retries.add(error);
    retryDelaysMs.add(delayMs);
    add("retry " + attempt + " " + error.reason());
  }

  @Override
  public synchronized void onBitrateStepDown(
      String trackId, Rendition from, Rendition to, long fromFrame, long toFrame) {
    stepDowns.add(new StepDown(trackId, from, to, fromFrame, toFrame));
    add("step-down " + trackId + " " + from.id() + " -> " + to.id());
  }

  @Override
  public synchronized void onSessionRefreshed() {
    add("session refreshed");
  }

  @Override
  public synchronized void onPlayerError(PlaybackException error) {
    errors.add(error);
    add("error " + error.reason());
  }

  private void add(String event) {
    events.add(event);
    notifyAll();
  }

  synchronized List<String> events() {
    return new ArrayList<>(events);
  }

  synchronized List<Rendition> selected() {
    return new ArrayList<>(selected);
  }

  synchronized List<StepDown> stepDowns() {
    return new ArrayList<>(stepDowns);
  }

  synchronized List<Failover> failovers() {
    return new ArrayList<>(failovers);
  }

  synchronized List<PlaybackException> retries() {
    return new ArrayList<>(retries);
  }

  synchronized List<Long> retryDelaysMs() {
    return new ArrayList<>(retryDelaysMs);
  }

  synchronized List<PlaybackException> errors() {
    return new ArrayList<>(errors);
  }

  /** Waits up to {@code timeoutMs} until an event matches; fails the test otherwise. */
  synchronized void await(Predicate<List<String>> condition, String what, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (!condition.test(events)) {
      long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMs <= 0) {
        throw new AssertionError("timed out waiting for " + what + "; events: " + events);
      }
      wait(leftMs);
    }
  }

  /** Waits until the queue ended or playback failed. */
  void awaitEndedOrError(long timeoutMs) throws InterruptedException {
    await(
        events ->
            events.contains("state ENDED") || events.stream().anyMatch(e -> e.startsWith("error")),
        "end of playback",
        timeoutMs);
  }
}
