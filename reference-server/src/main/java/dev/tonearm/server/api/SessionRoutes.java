package dev.tonearm.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.session.PlaybackSession;
import dev.tonearm.server.session.SessionException;
import dev.tonearm.server.session.SessionService;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Registers the playback session routes: {@code POST /v1/sessions}, {@code POST
 * /v1/sessions/{sessionId}/heartbeat}, {@code DELETE /v1/sessions/{sessionId}} and {@code GET
 * /v1/sessions/current}. Every route needs a bearer token, and the caller's account comes from it:
 * a caller starts sessions only on its own devices and touches only its own sessions.
 *
 * <p>{@link SessionException} reasons become error codes of the same name. Stateless.
 */
public final class SessionRoutes {
  private SessionRoutes() {}

  /** JSON view of a session. */
  public record SessionView(
      String sessionId,
      String deviceId,
      long startedAtMs,
      long lastHeartbeatAtMs,
      long expiresAtMs,
      long timeoutMs) {
    public static SessionView of(PlaybackSession session) {
      return new SessionView(
          session.sessionId(),
          session.deviceId(),
          session.startedAtMs(),
          session.lastHeartbeatAtMs(),
          session.expiresAtMs(),
          session.timeoutMs());
    }
  }

  /** Adds the routes to {@code router}. */
  public static void register(Router.Builder router, SessionService sessions) {
    router.authenticated(
        HttpMethod.POST,
        "/v1/sessions",
        request -> {
          JsonNode body = request.jsonObjectBody();
          String deviceId = ApiRequest.requiredString(body, "deviceId");
          String accountId = request.principal().accountId();
          return ApiResponse.created(
              SessionView.of(call(() -> sessions.start(accountId, deviceId))));
        });
    router.authenticated(
        HttpMethod.GET,
        "/v1/sessions/current",
        request ->
            ApiResponse.ok(
                SessionView.of(
                    sessions
                        .current(request.principal().accountId())
                        .orElseThrow(
                            () ->
                                new ApiException(
                                    ErrorCode.SESSION_NOT_FOUND,
                                    "the account has no active playback session")))));
    router.authenticated(
        HttpMethod.POST,
        "/v1/sessions/{sessionId}/heartbeat",
        request -> {
          String sessionId = request.pathParameter("sessionId");
          String accountId = request.principal().accountId();
          return ApiResponse.ok(
              SessionView.of(call(() -> sessions.heartbeat(accountId, sessionId))));
        });
    router.authenticated(
        HttpMethod.DELETE,
        "/v1/sessions/{sessionId}",
        request -> {
          String sessionId = request.pathParameter("sessionId");
          String accountId = request.principal().accountId();
          call(
              () -> {
                sessions.end(accountId, sessionId);
                return sessionId;
              });
          return ApiResponse.noContent();
        });
  }

  /** A session service call. */
  @FunctionalInterface
  private interface SessionCall<T> {
    T run() throws SessionException;
  }

  private static <T> T call(SessionCall<T> call) {
    try {
      return call.run();
    } catch (SessionException e) {
      throw new ApiException(ErrorCode.valueOf(e.reason().name()), e.getMessage());
    }
  }
}
