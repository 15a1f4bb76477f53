package dev.tonearm.server.sync;

import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.SingleCloseFrameHandler;
import dev.tonearm.server.http.UpgradeErrors;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.SyncProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Mounts the sync WebSocket on an HTTP pipeline, by default at {@value SyncProtocol#DEFAULT_PATH}.
 *
 * <p><b>Pipeline.</b> The host pipeline needs {@code HttpServerCodec} and {@code
 * HttpObjectAggregator} in front. Either add {@link #newUpgradeHandler()} after the aggregator (it
 * passes every other request on unchanged), or let a router call {@link
 * #handleUpgrade(ChannelHandlerContext, FullHttpRequest)} for requests to the path. On an upgrade
 * the endpoint checks {@code Authorization: Bearer <token>} with the {@link TokenVerifier} (missing
 * or invalid: {@code 401 UNAUTHORIZED}, expired: {@code 401 TOKEN_EXPIRED}, each with a JSON error
 * body and no upgrade), then inserts right after the calling
 * handler: Netty's {@code WebSocketServerProtocolHandler} (handshake, ping, close, frame size
 * limit), a {@code WebSocketFrameAggregator}, and the session handler. The session handler runs on
 * the endpoint's own executor group, because merging stores to disk with fsync and must not stall
 * the I/O event loop. Each connection stays on one executor thread, so its messages are handled in
 * order.
 *
 * <p>Thread-safe; one endpoint serves any number of channels. {@link #close()} stops the executor
 * group.
 */
public final class SyncEndpoint implements Closeable {
  /** Default number of threads that handle sync messages. */
  public static final int DEFAULT_EXECUTOR_THREADS = 4;

  private final SyncService service;
  private final TokenVerifier tokenVerifier;
  private final String path;
  private final EventExecutorGroup executor;

  private SyncEndpoint(Builder builder) {
    this.service = builder.service;
    this.tokenVerifier = builder.tokenVerifier;
    this.path = builder.path;
    this.executor = new DefaultEventExecutorGroup(builder.executorThreads);
  }

  public static Builder builder(SyncService service, TokenVerifier tokenVerifier) {
    return new Builder(service, tokenVerifier);
  }

  /** Builder of {@link SyncEndpoint}. */
  public static final class Builder {
    private final SyncService service;
    private final TokenVerifier tokenVerifier;
    private String path = SyncProtocol.DEFAULT_PATH;
    private int executorThreads = DEFAULT_EXECUTOR_THREADS;

    private Builder(SyncService service, TokenVerifier tokenVerifier) {
      this.service = Objects.requireNonNull(service, "service");
      this.tokenVerifier = Objects.requireNonNull(tokenVerifier, "tokenVerifier");
    }

    /** Request path of the WebSocket; default {@value SyncProtocol#DEFAULT_PATH}. */
    public Builder path(String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /: " + path);
      }
      this.path = path;
      return this;
    }

    /** Threads that handle messages; default {@value #DEFAULT_EXECUTOR_THREADS}. */
    public Builder executorThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("executorThreads must be > 0: " + threads);
      }
      this.executorThreads = threads;
      return this;
    }

    public SyncEndpoint build() {
      return new SyncEndpoint(this);
    }
  }

  public String path() {
    return path;
  }

  /** Returns a new handler for one channel that upgrades requests to {@link #path()}. */
  public ChannelHandler newUpgradeHandler() {
    return new UpgradeHandler();
  }

  /**
   * Authenticates and upgrades a request already matched to {@link #path()}, or responds to it with
   * an error. Takes ownership of {@code request}.
   */
  public void handleUpgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    String token = bearerToken(request);
    Optional<String> userId;
    try {
      userId = token == null ? Optional.empty() : tokenVerifier.userIdFor(token);
    } catch (ApiException e) {
      UpgradeErrors.reject(ctx, request, e);
      return;
    }
    if (!userId.isPresent()) {
      respondError(
          ctx,
          request,
          HttpResponseStatus.UNAUTHORIZED,
          SyncException.Reason.UNAUTHORIZED.name(),
          token == null ? "missing bearer token" : "invalid or expired access token");
      return;
    }
    if (!request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      respondError(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "BAD_REQUEST",
          path + " only accepts WebSocket upgrades");
      return;
    }

    SyncLimits limits = service.limits();
    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(path)
            .checkStartsWith(true)
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(limits.maxMessageBytes())
                    .closeOnProtocolViolation(false)
                    .build())
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(10))
            .build();

    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.addAfter(ctx.name(), "sync-frame-errors", new SingleCloseFrameHandler());
    pipeline.addAfter(
        "sync-frame-errors", "sync-websocket", new WebSocketServerProtocolHandler(config));
    pipeline.addAfter(
        "sync-websocket",
        "sync-frame-aggregator",
        new WebSocketFrameAggregator(limits.maxMessageBytes()));
    pipeline.addAfter(
        executor,
        "sync-frame-aggregator",
        "sync-session",
        new SyncSocketHandler(service, userId.get()));

    int highWaterMark = limits.maxPendingOutboundBytes();
    ctx.channel()
        .config()
        .setWriteBufferWaterMark(new WriteBufferWaterMark(highWaterMark / 2, highWaterMark));
    ctx.fireChannelRead(request);
  }

  @Override
  public void close() {
    executor.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private boolean matchesPath(FullHttpRequest request) {
    return new QueryStringDecoder(request.uri()).path().equals(path);
  }

  private static String bearerToken(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static void respondError(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String code,
      String message) {
    request.release();
    String body =
        "{\"error\":{\"code\":\""
            + code
            + "\",\"message\":\""
            + message.replace("\"", "'")
            + "\"}}";
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(request.protocolVersion(), status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    HttpUtil.setContentLength(response, content.readableBytes());
    if (status == HttpResponseStatus.UNAUTHORIZED) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Upgrades requests to the path and passes everything else on. */
  private final class UpgradeHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest && matchesPath((FullHttpRequest) msg)) {
        handleUpgrade(ctx, (FullHttpRequest) msg);
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }
}
