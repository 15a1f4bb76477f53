package dev.tonearm.server;

import java.net.BindException;

/** Raised when a listener of the server cannot bind its port. The message names both. */
public final class ListenerBindException extends BindException {
  private static final long serialVersionUID = 1L;

  private final String listenerName;
  private final int port;

  ListenerBindException(String listenerName, String host, int port, Exception cause) {
    super(
        "cannot listen on "
            + host
            + ":"
            + port
            + " for the "
            + listenerName
            + " listener: "
            + cause.getMessage());
    initCause(cause);
    this.listenerName = listenerName;
    this.port = port;
  }

  /** Listener name: {@code api}, {@code edge-N} or {@code sync}. */
  public String listenerName() {
    return listenerName;
  }

  /** Port that could not be bound. */
  public int port() {
    return port;
  }
}
