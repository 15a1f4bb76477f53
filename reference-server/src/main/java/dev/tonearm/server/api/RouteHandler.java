package dev.tonearm.server.api;

import java.io.IOException;

/**
 * Serves one API route. Runs on the API handler pool, never on an event loop, so it may block
 * briefly (password hashing, file reads). Throw {@link dev.tonearm.server.http.ApiException} for
 * an error response with a reason code; any other exception becomes 500 INTERNAL.
 */
@FunctionalInterface
public interface RouteHandler {
  ApiResponse handle(ApiRequest request) throws IOException;
}
