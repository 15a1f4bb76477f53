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
 * @param failure null for a usable request, otherwise the error to send before closing the
 *     connection (malformed HTTP or a body over the limit)
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

  /** Creates a usable request, parsing the path and query from {@code uri}. */
  public static HttpRequestData of(
      HttpVersion protocolVersion,
      HttpMethod method,
      String uri,
      HttpHeaders headers,
      byte[] body,
      boolean keepAlive) {
    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    return new HttpRequestData(
        protocolVersion,
        method,
        uri,
        decoder.path(),
        decoder.parameters(),
        headers,
        body,
        keepAlive,
        null);
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
}
