package dev.tonearm.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the API and edge handlers: passes one {@link HttpRequestData} at a time to {@link
 * #handle(Exchange)} and queues pipelined requests until the previous response is fully written,
 * so responses leave in request order. While an exchange runs, the channel stops reading, which
 * bounds the memory that one client can tie up.
 *
 * <p>Pipeline position: last, after {@code IdleStateHandler}, {@code HttpServerCodec} and {@link
 * RequestCollector}. An idle event closes the connection unless a request is being served.
 *
 * <p>Threading: one instance per channel. Netty calls it on the channel's event loop; an {@link
 * Exchange} may be completed from any thread.
 */
public abstract class SerialHttpHandler extends ChannelInboundHandlerAdapter {
  /** Pipelined requests held per connection before the connection is closed. */
  static final int MAX_QUEUED_REQUESTS = 16;

  private static final Logger log = LoggerFactory.getLogger(SerialHttpHandler.class);

  private final InFlightTracker tracker;
  private final ArrayDeque<HttpRequestData> queued = new ArrayDeque<>();
  private boolean busy;
  private boolean closing;

  protected SerialHttpHandler(InFlightTracker tracker) {
    this.tracker = tracker;
  }

  /**
   * Serves one request. Implementations must eventually call one of the {@link Exchange} methods
   * that finish it, from any thread; exceptions thrown here become a 500 response.
   */
  protected abstract void handle(Exchange exchange);

  /**
   * Sends the response for a request that {@link RequestCollector} or {@link HttpRequestData}
   * marked as failed, before any routing. Subclasses override it to add their own headers.
   */
  protected void sendRequestFailure(Exchange exchange, ApiException failure) {
    exchange.sendError(failure);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequestData request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closing) {
      return;
    }
    if (busy) {
      if (queued.size() >= MAX_QUEUED_REQUESTS) {
        log.warn(
            "closing connection {}: more than {} pipelined requests",
            ctx.channel().remoteAddress(),
            MAX_QUEUED_REQUESTS);
        closing = true;
        ctx.close();
        return;
      }
      queued.add(request);
      return;
    }
    start(ctx, request);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    queued.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && !busy) {
      log.debug("closing idle connection {}", ctx.channel().remoteAddress());
      closing = true;
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection {} after an I/O error", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private void start(ChannelHandlerContext ctx, HttpRequestData request) {
    busy = true;
    ctx.channel().config().setAutoRead(false);
    tracker.begin();
    Exchange exchange = new Exchange(ctx, request, tracker, this::onExchangeDone);
    if (request.failure() != null) {
      log.info(
          "rejected {} {} from {}: {} {}",
          request.method(),
          request.path(),
          ctx.channel().remoteAddress(),
          request.failure().code(),
          request.failure().getMessage());
      sendRequestFailure(exchange, request.failure());
      return;
    }
    try {
      handle(exchange);
    } catch (ApiException e) {
      exchange.sendError(e);
    } catch (RuntimeException e) {
      log.error("handler failed on {} {}", request.method(), request.path(), e);
      exchange.sendError(new ApiException(ErrorCode.INTERNAL, "internal server error"));
    }
  }

  /** Runs on the event loop once an exchange has written its last byte or failed. */
  private void onExchangeDone(ChannelHandlerContext ctx, boolean connectionClosing) {
    tracker.end();
    busy = false;
    if (connectionClosing || !ctx.channel().isActive()) {
      closing = true;
      queued.clear();
      return;
    }
    HttpRequestData next = queued.poll();
    if (next != null) {
      start(ctx, next);
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }
}
