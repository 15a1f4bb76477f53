package dev.tonearm.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A successful API response: a status and a body that Jackson serializes to JSON, or no body for
 * 204 No Content. Immutable.
 */
public record ApiResponse(HttpResponseStatus status, Object body) {
  public ApiResponse {
    Objects.requireNonNull(status, "status");
    if (body == null && !status.equals(HttpResponseStatus.NO_CONTENT)) {
      throw new IllegalArgumentException("a " + status.code() + " response needs a body");
    }
  }

  /** A 200 response with {@code body}. */
  public static ApiResponse ok(Object body) {
    return new ApiResponse(HttpResponseStatus.OK, body);
  }

  /** A 201 response with {@code body}, the created resource. */
  public static ApiResponse created(Object body) {
    return new ApiResponse(HttpResponseStatus.CREATED, body);
  }

  /** A 204 response without a body. */
  public static ApiResponse noContent() {
    return new ApiResponse(HttpResponseStatus.NO_CONTENT, null);
  }
}
