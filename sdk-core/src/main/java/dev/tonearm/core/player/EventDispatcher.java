package dev.tonearm.core.player;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@link Player.Listener} callbacks on the listener executor, in the order they were
 * posted. A listener that throws is logged and does not stop delivery to the others.
 *
 * <p>Threading: {@link #post} may be called from any thread.
 */
final class EventDispatcher {
  /** One callback to deliver to each listener. */
  interface Event {
    void deliver(Player.Listener listener);
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final Executor executor;
  private final CopyOnWriteArrayList<Player.Listener> listeners = new CopyOnWriteArrayList<>();

  EventDispatcher(Executor executor) {
    this.executor = executor;
  }

  void add(Player.Listener listener) {
    listeners.addIfAbsent(listener);
  }

  void remove(Player.Listener listener) {
    listeners.remove(listener);
  }

  void post(Event event) {
    try {
      executor.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      LOG.debug("Listener executor rejected an event after shutdown", e);
    }
  }

  private void deliver(Event event) {
    for (Player.Listener listener : listeners) {
      try {
        event.deliver(listener);
      } catch (RuntimeException e) {
        LOG.warn("Player listener {} threw; other listeners still get the event", listener, e);
      }
    }
  }
}
