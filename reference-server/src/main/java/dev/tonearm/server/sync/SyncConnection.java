package dev.tonearm.server.sync;

/**
 * Outbound side of one client connection, as {@link SyncService} uses it.
 *
 * <p>Implementations must be thread-safe: the service sends from whichever thread merged an update.
 * {@link SyncEndpoint} provides the WebSocket implementation.
 */
public interface SyncConnection {
  /** Queues one text message for the client; implementations must not block. */
  void send(String text);

  /** Closes the connection with a WebSocket close status and a short reason. */
  void close(int statusCode, String reason);
}
