package dev.tonearm.server.cdn;

/**
 * Per-request extension point of the edges. Hooks run in registration order after the token
 * check, the object lookup and the tier check, before any response byte is written. A hook
 * rejects a request by throwing {@link dev.tonearm.server.http.ApiException}, which becomes the
 * error response.
 *
 * <p>A hook that shapes the response itself (delays, throttling, cut connections) adds a handler
 * to {@link EdgeRequest#channel()}'s pipeline that removes itself when the response ends, as
 * {@link dev.tonearm.server.fault.FaultInjector} does.
 *
 * <p>Hooks run on an event loop: they must not block. Implementations are thread-safe.
 */
@FunctionalInterface
public interface EdgeRequestHook {
  void beforeServe(EdgeRequest request);
}
