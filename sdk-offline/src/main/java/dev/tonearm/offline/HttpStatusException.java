package dev.tonearm.offline;

import java.io.IOException;

/** An HTTP response whose status means the body is not the requested bytes. */
public final class HttpStatusException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;

  public HttpStatusException(int statusCode, String url) {
    super("HTTP " + statusCode + " from " + url);
    this.statusCode = statusCode;
  }

  public int statusCode() {
    return statusCode;
  }

  /**
   * Returns whether retrying may succeed: 408, 429 and every 5xx status. A 416 is handled by the
   * downloader, which restarts from byte zero.
   */
  public boolean isRetryable() {
    return statusCode == 408 || statusCode == 429 || statusCode >= 500;
  }
}
