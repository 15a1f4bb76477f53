package dev.tonearm.sync.client;

import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers listener events one at a time, in the order they were posted, on a {@link SyncScheduler}
 * thread, so listeners never run under the client's lock or concurrently.
 *
 * <p>Thread-safe: any thread may post. A listener that throws is logged and the next event is still
 * delivered.
 */
final class EventQueue {
  private static final Logger logger = LoggerFactory.getLogger(EventQueue.class);

  private final SyncScheduler scheduler;

  // Guarded by this.
  private final Queue<Runnable> events = new ArrayDeque<>();
  private boolean drainScheduled;

  EventQueue(SyncScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Queues {@code event} and makes sure a scheduler task will run it. */
  void post(Runnable event) {
    synchronized (this) {
      events.add(event);
      if (drainScheduled) {
        return;
      }
      drainScheduled = true;
    }
    scheduler.schedule(this::drain, 0);
  }

  private void drain() {
    while (true) {
      Runnable event;
      synchronized (this) {
        event = events.poll();
        if (event == null) {
          drainScheduled = false;
          return;
        }
      }
      try {
        event.run();
      } catch (RuntimeException e) {
        logger.warn("Sync listener threw an exception", e);
      }
    }
  }
}
