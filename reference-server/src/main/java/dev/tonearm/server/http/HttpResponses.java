package dev.tonearm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.UncheckedIOException;

/** Builders for JSON responses in the API's shapes. Stateless and thread-safe. */
public final class HttpResponses {
  private HttpResponses() {}

  /** Builds a response whose body is {@code value} serialized as JSON. */
  public static FullHttpResponse json(HttpResponseStatus status, Object value) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("response body is not serializable as JSON", e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /** Builds a response without a body, such as 204 No Content. */
  public static FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return response;
  }

  /**
   * Builds an error response {@code {"error":{"code":..., "message":...}}} with the status of
   * {@code code}. A 401 also carries {@code WWW-Authenticate: Bearer} as RFC 6750 requires.
   */
  public static FullHttpResponse error(ErrorCode code, String message) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code.name());
    error.put("message", message);
    FullHttpResponse response = json(code.status(), root);
    if (code.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
      String challenge =
          code == ErrorCode.TOKEN_EXPIRED
              ? "Bearer realm=\"tonearm\", error=\"invalid_token\""
              : "Bearer realm=\"tonearm\"";
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
    }
    return response;
  }

  /** Builds the error response for {@code exception}. */
  public static FullHttpResponse error(ApiException exception) {
    return error(exception.code(), exception.getMessage());
  }
}
