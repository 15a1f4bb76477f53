package dev.tonearm.server.sync;

import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.client.SyncListener;
import dev.tonearm.sync.client.SyncStatus;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.PresenceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Listener that records events and wakes waiting tests on each one, so tests wait for a condition
 * to become true instead of sleeping. Thread-safe.
 */
final class EventWaiter implements SyncListener {
  private final List<SyncStatus> statuses = new ArrayList<>();
  private final List<SyncException> errors = new ArrayList<>();
  private final List<DeletionNotice> deletions = new ArrayList<>();
  private List<PresenceInfo> lastPresence = new ArrayList<>();

  @Override
  public synchronized void onStatusChanged(SyncStatus status) {
    statuses.add(status);
    notifyAll();
  }

  @Override
  public synchronized void onPlaylistChanged(String playlistId) {
    notifyAll();
  }

  @Override
  public synchronized void onPresenceChanged(String playlistId, List<PresenceInfo> editors) {
    lastPresence = new ArrayList<>(editors);
    notifyAll();
  }

  @Override
  public synchronized void onPlaylistDeleted(String playlistId, DeletionNotice notice) {
    deletions.add(notice);
    notifyAll();
  }

  @Override
  public synchronized void onError(SyncException error) {
    errors.add(error);
    notifyAll();
  }

  /**
   * Waits until {@code condition} holds, re-checking after every event and at least every 100 ms
   * (some state changes, such as acknowledgements, raise no event of their own).
   */
  synchronized void await(String what, BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadlineNs = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long leftNs = deadlineNs - System.nanoTime();
      if (leftNs <= 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; errors: " + errors);
      }
      wait(Math.max(1, Math.min(100, leftNs / 1_000_000)));
    }
  }

  synchronized List<SyncStatus> statuses() {
    return new ArrayList<>(statuses);
  }

  synchronized List<SyncException> errors() {
    return new ArrayList<>(errors);
  }

  synchronized List<DeletionNotice> deletions() {
    return new ArrayList<>(deletions);
  }

  synchronized List<PresenceInfo> lastPresence() {
    return new ArrayList<>(lastPresence);
  }
}
