package dev.tonearm.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * A complete HTTP request held in plain Java objects, so handlers on any thread can read it without
 * releasing buffers. Built by {@link RequestCollector}. The headers are a private copy that callers
 * must not change.
 *
 * @param failure null for a usable request, otherwise the error to send instead of serving it:
 *     malformed HTTP or a body over the limit, which also close the connection, or an invalid
 *     percent-escape in the path or query, which keeps it open when {@code keepAlive} is true
 */
public record HttpRequestData(
    HttpVersion protocolVersion,
    HttpMethod method,
    String uri,
    String path,
    Map<String, List<String>> queryParameters,
    HttpHeaders headers,
    byte[] body,
    boolean keepAlive,
    ApiException failure) {

  /**
   * Creates a request, parsing the path and query from {@code uri}. A path or query with an
   * invalid percent-escape, such as {@code %ZZ}, yields a request marked {@link
   * ErrorCode#BAD_REQUEST} whose {@link #path()} is the raw path.
   */
  public static HttpRequestData of(
      HttpVersion protocolVersion,
      HttpMethod method,
      String uri,
      HttpHeaders headers,
      byte[] body,
      boolean keepAlive) {
    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    String path;
    Map<String, List<String>> queryParameters;
    try {
      // QueryStringDecoder decodes lazily and throws IllegalArgumentException on a bad escape.
      path = decoder.path();
      queryParameters = decoder.parameters();
    } catch (IllegalArgumentException e) {
      String rawPath = decoder.rawPath();
      ApiException failure =
          new ApiException(
              ErrorCode.BAD_REQUEST,
              "request target " + truncate(uri) + " has an invalid percent-escape");
      return new HttpRequestData(
          protocolVersion, method, uri, rawPath, Map.of(), headers, body, keepAlive, failure);
    }
    return new HttpRequestData(
        protocolVersion, method, uri, path, queryParameters, headers, body, keepAlive, null);
  }

  /** Returns a copy of this request marked with {@code failure}. */
  public HttpRequestData withFailure(ApiException failure) {
    return new HttpRequestData(
        protocolVersion, method, uri, path, queryParameters, headers, body, false, failure);
  }

  /** Returns the first value of header {@code name}, or null. */
  public String header(CharSequence name) {
    return headers.get(name);
  }

  /** Shortens a request target for error messages, which echo it back to the client. */
  private static String truncate(String uri) {
    int maxChars = 200;
    return uri.length() <= maxChars ? uri : uri.substring(0, maxChars) + "...";
  }
}
