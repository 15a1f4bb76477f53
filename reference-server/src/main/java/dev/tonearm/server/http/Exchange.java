package dev.tonearm.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and the means to respond to it. A response is either one {@link FullHttpResponse}
 * ({@link #send}) or a head followed by body parts ({@link #writeHead}, {@link #writeContent},
 * {@link #finish}). Finishing twice has no effect, and the buffers of a late write are released.
 *
 * <p>Threading: {@link #send} and {@link #sendError} may be called from any thread and hop to the
 * channel's event loop; the streaming methods must run on {@link #executor()}.
 */
public final class Exchange {
  /** Callback into the owning handler, run on the event loop. */
  interface DoneListener {
    void done(ChannelHandlerContext ctx, boolean connectionClosing);
  }

  private final ChannelHandlerContext ctx;
  private final HttpRequestData request;
  private final InFlightTracker tracker;
  private final DoneListener doneListener;
  /** Set on the event loop when the response head is written; read there afterwards. */
  private boolean keepAlive;
  private final AtomicBoolean finished = new AtomicBoolean();

  Exchange(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      InFlightTracker tracker,
      DoneListener doneListener) {
    this.ctx = ctx;
    this.request = request;
    this.tracker = tracker;
    this.keepAlive = request.keepAlive();
    this.doneListener = doneListener;
  }

  /** Returns the request being served. */
  public HttpRequestData request() {
    return request;
  }

  /** Returns the connection that the request arrived on. */
  public Channel channel() {
    return ctx.channel();
  }

  /** Returns the channel's event loop. */
  public EventExecutor executor() {
    return ctx.executor();
  }

  /** Sends {@code response} as the complete response and takes ownership of its buffer. */
  public void send(FullHttpResponse response) {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> send(response));
      return;
    }
    if (finished.get()) {
      ReferenceCountUtil.release(response);
      return;
    }
    applyConnectionHeader(response);
    ChannelFuture write = ctx.writeAndFlush(response);
    complete(write);
  }

  /** Sends the JSON error response for {@code failure}. */
  public void sendError(ApiException failure) {
    send(HttpResponses.error(failure));
  }

  /** Writes the response head of a streamed response; call on {@link #executor()}. */
  public ChannelFuture writeHead(HttpResponse head) {
    applyConnectionHeader(head);
    return ctx.write(head);
  }

  /** Writes and flushes one body part; call on {@link #executor()}. Takes ownership of it. */
  public ChannelFuture writeContent(ByteBuf content) {
    if (finished.get()) {
      content.release();
      return ctx.newFailedFuture(new IllegalStateException("exchange already finished"));
    }
    return ctx.writeAndFlush(new DefaultHttpContent(content));
  }

  /** Writes the end of a streamed response and finishes the exchange; call on the event loop. */
  public void finish() {
    if (finished.get()) {
      return;
    }
    complete(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }

  /** Closes the connection without completing the response, for a failure mid-body. */
  public void abort() {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(this::abort);
      return;
    }
    if (finished.compareAndSet(false, true)) {
      ctx.close();
      doneListener.done(ctx, true);
    }
  }

  private void complete(ChannelFuture lastWrite) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    lastWrite.addListener(
        (ChannelFutureListener)
            future -> {
              boolean closing = !keepAlive || !future.isSuccess();
              if (closing) {
                future.channel().close();
              }
              doneListener.done(ctx, closing);
            });
  }

  private void applyConnectionHeader(HttpResponse response) {
    // A response that starts while the server drains closes its connection.
    if (tracker.isDraining()) {
      keepAlive = false;
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }
}
