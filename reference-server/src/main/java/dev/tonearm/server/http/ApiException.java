package dev.tonearm.server.http;

import java.util.Objects;

/**
 * A request failure that becomes an error response with a stable {@link ErrorCode}. The message
 * is sent to the client, so it must not contain secrets such as tokens or passwords.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ApiException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The code sent in {@code error.code}. */
  public ErrorCode code() {
    return code;
  }
}
