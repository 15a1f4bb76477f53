package dev.tonearm.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A successful API response: a status and a body that Jackson serializes to JSON. Immutable.
 */
public record ApiResponse(HttpResponseStatus status, Object body) {
  public ApiResponse {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(body, "body");
  }

  /** A 200 response with {@code body}. */
  public static ApiResponse ok(Object body) {
    return new ApiResponse(HttpResponseStatus.OK, body);
  }
}
