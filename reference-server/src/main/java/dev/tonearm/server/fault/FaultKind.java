package dev.tonearm.server.fault;

import java.util.Locale;

/**
 * The kinds of fault that the edges can inject. Each has a lower-case name used in the admin API
 * ({@code "stall"}).
 */
public enum FaultKind {
  /** Delays the response head by a fixed time. */
  LATENCY,
  /** Stops sending the body after some bytes, for a time or until the client gives up. */
  STALL,
  /** Resets the connection (TCP RST) before the head or after some body bytes. */
  RESET,
  /** Flips bytes of the body at given offsets (each byte is XORed with 0xFF). */
  CORRUPT,
  /** Ends the body early and closes the connection, although the head promised more. */
  TRUNCATE,
  /** Answers with a 5xx error instead of the object. */
  STATUS,
  /** Answers with 401 TOKEN_EXPIRED for a given access token. */
  UNAUTHORIZED,
  /** Caps the body's throughput at a number of bytes per second. */
  THROTTLE;

  /** Returns the name used in the admin API, such as {@code "stall"}. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the kind for an admin API name, or null when there is none. */
  public static FaultKind fromApiName(String name) {
    for (FaultKind kind : values()) {
      if (kind.apiName().equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
