package dev.tonearm.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.core.PlaybackException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Converts HTTP failures into {@link PlaybackException}s, for the API client and the chunk
 * loader. Thread-safe.
 *
 * <p>Messages show the method, the URL path (never the query, headers or tokens), the status and
 * the server's {@code error.code} and {@code error.message} when the body has them.
 */
public final class HttpErrors {
  /** Maximum bytes of an error body that are read to find the server's error code. */
  public static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpErrors() {}

  /** Returns the reason code for an unsuccessful HTTP status. */
  public static String reasonForStatus(int status) {
    switch (status) {
      case 400:
        return PlaybackException.ERROR_BAD_REQUEST;
      case 401:
        return PlaybackException.ERROR_AUTH_FAILED;
      case 403:
        return PlaybackException.ERROR_FORBIDDEN;
      case 404:
        return PlaybackException.ERROR_NOT_FOUND;
      case 416:
        return PlaybackException.ERROR_RANGE_NOT_SATISFIABLE;
      default:
        return status >= 500 && status <= 599
            ? PlaybackException.ERROR_SERVER
            : PlaybackException.ERROR_HTTP_STATUS;
    }
  }

  /**
   * Builds the exception for an unsuccessful {@code response}, reading at most {@link
   * #MAX_ERROR_BODY_BYTES} of its body. Does not close the response.
   */
  public static PlaybackException fromResponse(Response response) {
    String serverCode = null;
    String serverMessage = null;
    ResponseBody body = response.body();
    if (body != null) {
      try {
        JsonNode error = MAPPER.readTree(readAtMost(body, MAX_ERROR_BODY_BYTES)).path("error");
        if (error.path("code").isTextual()) {
          serverCode = error.path("code").asText();
        }
        if (error.path("message").isTextual()) {
          serverMessage = error.path("message").asText();
        }
      } catch (IOException | RuntimeException notJson) {
        // A body that is not the contract's error JSON still yields the status-based reason.
      }
    }
    StringBuilder message =
        new StringBuilder(describe(response.request()))
            .append(" failed: HTTP ")
            .append(response.code());
    if (serverCode != null) {
      message.append(' ').append(serverCode);
    }
    if (serverMessage != null) {
      message.append(": ").append(serverMessage);
    }
    return new PlaybackException(
        reasonForStatus(response.code()), message.toString(), response.code(), serverCode, null);
  }

  /** Returns {@code "METHOD /path"} for messages, without the query string. */
  public static String describe(Request request) {
    return request.method() + " " + request.url().encodedPath();
  }

  /**
   * Reads the whole body, failing with {@link PlaybackException#ERROR_BAD_RESPONSE} when it is
   * longer than {@code maxBytes}.
   */
  public static byte[] readBounded(Request request, ResponseBody body, long maxBytes)
      throws IOException {
    long declared = body.contentLength();
    if (declared > maxBytes) {
      throw tooLarge(request, maxBytes);
    }
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    while (buffer.size() <= maxBytes) {
      if (source.read(buffer, 8192) == -1) {
        return buffer.readByteArray();
      }
    }
    throw tooLarge(request, maxBytes);
  }

  private static PlaybackException tooLarge(Request request, long maxBytes) {
    return new PlaybackException(
        PlaybackException.ERROR_BAD_RESPONSE,
        describe(request) + " failed: response body exceeds " + maxBytes + " bytes");
  }

  private static String readAtMost(ResponseBody body, int maxBytes) throws IOException {
    BufferedSource source = body.source();
    source.request(maxBytes);
    Buffer buffer = source.getBuffer();
    long size = Math.min(buffer.size(), maxBytes);
    return buffer.clone().readString(size, StandardCharsets.UTF_8);
  }
}
