package dev.tonearm.server.cdn;

import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Exchange;
import dev.tonearm.server.http.HttpRequestData;
import dev.tonearm.server.http.HttpResponses;
import dev.tonearm.server.http.InFlightTracker;
import dev.tonearm.server.http.SerialHttpHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty handler of one CDN edge listener: serves {@code GET} and {@code HEAD} of {@code
 * /objects/{trackId}/{renditionId}} with single byte ranges (see {@link ByteRange}), an ETag,
 * {@code Accept-Ranges: bytes} and {@code X-Tonearm-Edge}.
 *
 * <p>Order of checks: path (404), method (405), bearer token (401), object lookup (404), tier
 * (403 PREMIUM_REQUIRED), {@link EdgeRequestHook}s, then the range (416). The body is written one
 * cached chunk at a time; the next chunk is written when the previous write has completed, so at
 * most one chunk per slow client waits in the outbound buffer.
 *
 * <p>Pipeline position: last, after {@code IdleStateHandler}, {@code HttpServerCodec} and {@code
 * RequestCollector}.
 *
 * <p>Threading: one instance per connection, called on its event loop; chunk loads complete on
 * I/O threads and hop back to the event loop before writing.
 */
public final class EdgeHandler extends SerialHttpHandler {
  /** Header naming the edge that served a response. */
  public static final String EDGE_HEADER = "X-Tonearm-Edge";

  private static final Logger log = LoggerFactory.getLogger(EdgeHandler.class);
  private static final String OBJECTS_PREFIX = "/objects/";

  private final CdnEdge edge;
  private final AuthService auth;
  private final List<EdgeRequestHook> hooks;

  public EdgeHandler(
      CdnEdge edge, AuthService auth, List<EdgeRequestHook> hooks, InFlightTracker tracker) {
    super(tracker);
    this.edge = edge;
    this.auth = auth;
    this.hooks = List.copyOf(hooks);
  }

  @Override
  protected void handle(Exchange exchange) {
    try {
      serve(exchange);
    } catch (ApiException e) {
      sendRequestFailure(exchange, e);
    }
  }

  @Override
  protected void sendRequestFailure(Exchange exchange, ApiException failure) {
    FullHttpResponse response = HttpResponses.error(failure);
    response.headers().set(EDGE_HEADER, edge.name());
    if (failure.code() == ErrorCode.METHOD_NOT_ALLOWED) {
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    }
    exchange.send(response);
  }

  private void serve(Exchange exchange) {
    HttpRequestData request = exchange.request();
    String[] ids = parseObjectPath(request.path());
    if (ids == null) {
      throw new ApiException(ErrorCode.NOT_FOUND, "no object at " + request.path());
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (!head && !request.method().equals(HttpMethod.GET)) {
      throw new ApiException(
          ErrorCode.METHOD_NOT_ALLOWED, "method " + request.method() + " is not allowed on objects");
    }
    Principal principal = auth.authenticate(request.header(HttpHeaderNames.AUTHORIZATION));

    ObjectInfo object =
        edge.shield()
            .origin()
            .find(ids[0], ids[1])
            .orElseThrow(
                () -> new ApiException(ErrorCode.NOT_FOUND, "no object at " + request.path()));
    if (object.premiumOnly() && !principal.isPremium()) {
      throw new ApiException(
          ErrorCode.PREMIUM_REQUIRED, "rendition " + object.renditionId() + " needs premium");
    }
    EdgeRequest edgeRequest =
        new EdgeRequest(edge.name(), request, principal, object, exchange.channel());
    for (EdgeRequestHook hook : hooks) {
      hook.beforeServe(edgeRequest);
    }

    ByteRange range =
        ByteRange.evaluate(
            request.header(HttpHeaderNames.RANGE),
            request.header(HttpHeaderNames.IF_RANGE),
            object.sizeBytes(),
            object.etag());
    if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
      FullHttpResponse response =
          HttpResponses.error(
              ErrorCode.RANGE_NOT_SATISFIABLE,
              "range " + request.header(HttpHeaderNames.RANGE) + " is outside the object of "
                  + object.sizeBytes() + " bytes");
      addObjectHeaders(response.headers(), object);
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + object.sizeBytes());
      exchange.send(response);
      return;
    }

    HttpResponse responseHead = responseHead(object, range, head);
    if (head || range.length() == 0) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, responseHead.status(), Unpooled.EMPTY_BUFFER);
      response.headers().set(responseHead.headers());
      exchange.send(response);
      return;
    }
    exchange
        .writeHead(responseHead)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (!future.isSuccess()) {
                    exchange.abort();
                  }
                });
    writeChunks(exchange, object, range.start(), range.endInclusive());
  }

  private HttpResponse responseHead(ObjectInfo object, ByteRange range, boolean head) {
    HttpResponseStatus status =
        range.kind() == ByteRange.Kind.PARTIAL
            ? HttpResponseStatus.PARTIAL_CONTENT
            : HttpResponseStatus.OK;
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpHeaders headers = response.headers();
    addObjectHeaders(headers, object);
    headers.set(HttpHeaderNames.CONTENT_TYPE, object.contentType());
    headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(range.length()));
    if (range.kind() == ByteRange.Kind.PARTIAL) {
      headers.set(
          HttpHeaderNames.CONTENT_RANGE,
          "bytes " + range.start() + "-" + range.endInclusive() + "/" + object.sizeBytes());
    }
    return response;
  }

  private void addObjectHeaders(HttpHeaders headers, ObjectInfo object) {
    headers.set(EDGE_HEADER, edge.name());
    headers.set(HttpHeaderNames.ETAG, object.etag());
    headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
  }

  /** Writes bytes {@code [position, endInclusive]}, one chunk per step. */
  private void writeChunks(Exchange exchange, ObjectInfo object, long position, long endInclusive) {
    if (position > endInclusive) {
      exchange.finish();
      return;
    }
    int index = (int) (position / object.chunkSizeBytes());
    if ((long) (index + 1) * object.chunkSizeBytes() <= endInclusive) {
      edge.chunk(object, index + 1);
    }
    edge.chunk(object, index)
        .whenComplete(
            (bytes, failure) ->
                exchange
                    .executor()
                    .execute(
                        () -> {
                          if (failure != null) {
                            log.error(
                                "{}: reading chunk {} of {}/{} failed; closing the connection",
                                edge.name(),
                                index,
                                object.trackId(),
                                object.renditionId(),
                                failure);
                            exchange.abort();
                            return;
                          }
                          writeChunk(exchange, object, position, endInclusive, index, bytes);
                        }));
  }

  private void writeChunk(
      Exchange exchange,
      ObjectInfo object,
      long position,
      long endInclusive,
      int index,
      byte[] bytes) {
    long chunkStart = (long) index * object.chunkSizeBytes();
    int from = (int) (position - chunkStart);
    int to = (int) Math.min(endInclusive + 1 - chunkStart, bytes.length);
    if (to <= from) {
      log.error(
          "{}: chunk {} of {}/{} has {} bytes, expected more; closing the connection",
          edge.name(),
          index,
          object.trackId(),
          object.renditionId(),
          bytes.length);
      exchange.abort();
      return;
    }
    long next = chunkStart + to;
    exchange
        .writeContent(Unpooled.wrappedBuffer(bytes, from, to - from))
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (future.isSuccess()) {
                    writeChunks(exchange, object, next, endInclusive);
                  } else {
                    exchange.abort();
                  }
                });
  }

  /** Returns {trackId, renditionId} for {@code /objects/T/R}, or null. */
  private static String[] parseObjectPath(String path) {
    if (!path.startsWith(OBJECTS_PREFIX)) {
      return null;
    }
    String[] parts = path.substring(OBJECTS_PREFIX.length()).split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return null;
    }
    return parts;
  }
}
