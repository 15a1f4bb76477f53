package dev.tonearm.offline.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers listener callbacks in order on one dedicated thread, so listeners never run under the
 * offline lock or on a download thread. A listener that throws is logged and skipped.
 */
public final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tonearm-offline-events");
            thread.setDaemon(true);
            return thread;
          });

  /** Queues {@code event}; events run in the order they were queued. */
  public void dispatch(Runnable event) {
    try {
      executor.execute(
          () -> {
            try {
              event.run();
            } catch (RuntimeException e) {
              log.warn("An offline listener threw; the event is dropped for it", e);
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("Offline event dropped after close");
    }
  }

  /** Waits until every event queued before this call has run; returns false on timeout. */
  public boolean awaitDelivered(long timeoutMs) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    try {
      executor.execute(latch::countDown);
    } catch (RejectedExecutionException e) {
      return true;
    }
    return latch.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Delivers the events already queued, then stops the thread. */
  public void close() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
