package dev.tonearm.server.session;

/**
 * One account's playback session, bound to the device that started it. Immutable: a heartbeat
 * replaces the record.
 *
 * @param sessionId random id that the server chose
 * @param accountId account that owns the session
 * @param deviceId registered device that holds the session
 * @param startedAtMs when the session started, epoch milliseconds
 * @param lastHeartbeatAtMs when the session started or last received a heartbeat, epoch
 *     milliseconds
 * @param timeoutMs time without a heartbeat after which the session expires
 */
public record PlaybackSession(
    String sessionId,
    String accountId,
    String deviceId,
    long startedAtMs,
    long lastHeartbeatAtMs,
    long timeoutMs) {

  /** Returns when the session expires unless a heartbeat arrives first, epoch milliseconds. */
  public long expiresAtMs() {
    return lastHeartbeatAtMs + timeoutMs;
  }

  /** Returns a copy whose last heartbeat is at {@code nowMs}. */
  PlaybackSession withHeartbeatAt(long nowMs) {
    return new PlaybackSession(sessionId, accountId, deviceId, startedAtMs, nowMs, timeoutMs);
  }
}
