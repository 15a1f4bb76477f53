package dev.tonearm.core.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A playback session as {@code POST /v1/sessions} and the heartbeat return it. Immutable. */
public final class SessionInfo {
  private final String sessionId;
  private final String deviceId;
  private final long startedAtMs;
  private final long lastHeartbeatAtMs;
  private final long expiresAtMs;
  private final long timeoutMs;

  /** Creates a session record; the ids are required and the timeout must be positive. */
  @JsonCreator
  public SessionInfo(
      @JsonProperty("sessionId") String sessionId,
      @JsonProperty("deviceId") String deviceId,
      @JsonProperty("startedAtMs") long startedAtMs,
      @JsonProperty("lastHeartbeatAtMs") long lastHeartbeatAtMs,
      @JsonProperty("expiresAtMs") long expiresAtMs,
      @JsonProperty("timeoutMs") long timeoutMs) {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new IllegalArgumentException("sessionId is missing");
    }
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId is missing");
    }
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be > 0: " + timeoutMs);
    }
    this.sessionId = sessionId;
    this.deviceId = deviceId;
    this.startedAtMs = startedAtMs;
    this.lastHeartbeatAtMs = lastHeartbeatAtMs;
    this.expiresAtMs = expiresAtMs;
    this.timeoutMs = timeoutMs;
  }

  public String sessionId() {
    return sessionId;
  }

  public String deviceId() {
    return deviceId;
  }

  /** Server time when the session started, epoch milliseconds. */
  public long startedAtMs() {
    return startedAtMs;
  }

  /** Server time of the start or the last heartbeat, epoch milliseconds. */
  public long lastHeartbeatAtMs() {
    return lastHeartbeatAtMs;
  }

  /** Server time when the session expires without another heartbeat, epoch milliseconds. */
  public long expiresAtMs() {
    return expiresAtMs;
  }

  /** Time without a heartbeat after which the server expires the session. */
  public long timeoutMs() {
    return timeoutMs;
  }

  @Override
  public String toString() {
    return "SessionInfo{" + sessionId + " on " + deviceId + ", timeoutMs=" + timeoutMs + "}";
  }
}
