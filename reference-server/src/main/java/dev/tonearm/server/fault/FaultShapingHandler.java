package dev.tonearm.server.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Shapes one HTTP response by a {@link FaultPlan}: delays its head, stalls, throttles, corrupts or
 * cuts its body, or resets the connection. It queues outbound messages and lets them pass as the
 * plan allows. A write's promise therefore completes only when its bytes have passed, so the edge
 * handler, which waits for each write before the next, waits with them.
 *
 * <p>Every wait is a task on the channel's event loop ({@code schedule}), so no event loop thread
 * blocks. Corrupted bytes are copied first, because body buffers wrap the edge's cached chunks.
 *
 * <p>Pipeline position: directly after {@code HttpServerCodec}, so it sees {@link HttpResponse} and
 * {@link HttpContent} objects and counts body bytes only. {@link FaultInjector} adds it for one
 * request. It removes itself after the response's last content has passed, and releases whatever it
 * still holds when the connection closes.
 *
 * <p>Threading: called on the channel's event loop only.
 */
final class FaultShapingHandler extends ChannelDuplexHandler {
  /** Throttled bodies go out in slices of this fraction of a second: 1/20 s. */
  private static final int THROTTLE_SLICES_PER_SECOND = 20;

  private final FaultPlan plan;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  private ChannelHandlerContext ctx;
  private long bodyBytes;
  private boolean latencyDone;
  private boolean stallDone;
  private boolean waiting;
  private boolean done;
  private boolean cutting;
  private long nextSendNanos;
  private ScheduledFuture<?> timer;
  private ChannelFuture lastWrite;

  FaultShapingHandler(FaultPlan plan) {
    this.plan = plan;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (done) {
      ctx.write(msg, promise);
      return;
    }
    if (cutting) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new IOException("response cut by an injected fault"));
      return;
    }
    if (msg instanceof FullHttpResponse full) {
      HttpResponse head =
          new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers());
      queue.add(new Pending(head, ctx.newPromise()));
      queue.add(new Pending(new DefaultLastHttpContent(full.content()), promise));
    } else {
      queue.add(new Pending(msg, promise));
    }
    pump();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    discardQueued();
    ctx.close(promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    discardQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discardQueued();
  }

  /** Passes queued messages on until the plan requires a wait, or the queue is empty. */
  private void pump() {
    while (!waiting && !done && !cutting && !queue.isEmpty()) {
      Pending pending = queue.peek();
      Object msg = pending.msg;
      if (msg instanceof HttpContent content) {
        if (!passContent(pending, content)) {
          return;
        }
      } else if (msg instanceof HttpResponse) {
        if (!latencyDone && plan.latencyMs() > 0) {
          latencyDone = true;
          waitNanos(TimeUnit.MILLISECONDS.toNanos(plan.latencyMs()));
          return;
        }
        if (plan.resetAfterBytes() == 0) {
          reset();
          return;
        }
        queue.poll();
        passOn(msg, pending.promise);
      } else {
        queue.poll();
        passOn(msg, pending.promise);
      }
    }
  }

  /**
   * Passes some or all of {@code content}; returns false when the plan requires a wait or a stop.
   */
  private boolean passContent(Pending pending, HttpContent content) {
    ByteBuf buffer = content.content();
    int readable = buffer.readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (readable == 0) {
      queue.poll();
      passOn(content, pending.promise);
      if (last) {
        finishResponse();
      }
      return true;
    }
    if (plan.stallAfterBytes() >= 0 && !stallDone && bodyBytes >= plan.stallAfterBytes()) {
      stallDone = true;
      if (plan.stallMs() < 0) {
        waiting = true; // Until the client closes the connection.
      } else {
        waitNanos(TimeUnit.MILLISECONDS.toNanos(plan.stallMs()));
      }
      return false;
    }
    if (plan.resetAfterBytes() > 0 && bodyBytes >= plan.resetAfterBytes()) {
      reset();
      return false;
    }
    if (plan.truncateAfterBytes() >= 0 && bodyBytes >= plan.truncateAfterBytes()) {
      truncate();
      return false;
    }
    long now = System.nanoTime();
    if (plan.bytesPerS() > 0 && now < nextSendNanos) {
      waitNanos(nextSendNanos - now);
      return false;
    }

    long sliceBytes = readable;
    sliceBytes = Math.min(sliceBytes, distanceTo(stallDone ? -1 : plan.stallAfterBytes()));
    sliceBytes = Math.min(sliceBytes, distanceTo(plan.resetAfterBytes()));
    sliceBytes = Math.min(sliceBytes, distanceTo(plan.truncateAfterBytes()));
    if (plan.bytesPerS() > 0) {
      sliceBytes = Math.min(sliceBytes, Math.max(1, plan.bytesPerS() / THROTTLE_SLICES_PER_SECOND));
      nextSendNanos =
          Math.max(now, nextSendNanos)
              + sliceBytes * TimeUnit.SECONDS.toNanos(1) / plan.bytesPerS();
    }
    int length = (int) sliceBytes;
    ByteBuf slice = corrupt(buffer.readRetainedSlice(length), bodyBytes);
    bodyBytes += length;
    if (length == readable) {
      queue.poll();
      if (last) {
        LastHttpContent lastContent = new DefaultLastHttpContent(slice);
        lastContent.trailingHeaders().set(((LastHttpContent) content).trailingHeaders());
        content.release();
        passOn(lastContent, pending.promise);
        finishResponse();
      } else {
        content.release();
        passOn(new DefaultHttpContent(slice), pending.promise);
      }
    } else {
      passOn(new DefaultHttpContent(slice), ctx.newPromise());
    }
    return true;
  }

  /** Bytes from the current body position to {@code position}, or MAX_VALUE when not ahead. */
  private long distanceTo(long position) {
    return position > bodyBytes ? position - bodyBytes : Long.MAX_VALUE;
  }

  /** Returns {@code slice}, or a flipped copy of it when it contains a corrupt offset. */
  private ByteBuf corrupt(ByteBuf slice, long sliceStart) {
    long sliceEnd = sliceStart + slice.readableBytes();
    ByteBuf copy = null;
    for (long offset : plan.corruptOffsets()) {
      if (offset < sliceStart || offset >= sliceEnd) {
        continue;
      }
      if (copy == null) {
        copy = Unpooled.buffer(slice.readableBytes());
        copy.writeBytes(slice, slice.readerIndex(), slice.readableBytes());
        slice.release();
      }
      int index = (int) (offset - sliceStart);
      copy.setByte(index, copy.getByte(index) ^ 0xFF);
    }
    return copy != null ? copy : slice;
  }

  private void passOn(Object msg, ChannelPromise promise) {
    lastWrite = ctx.writeAndFlush(msg, promise);
  }

  private void waitNanos(long nanos) {
    waiting = true;
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  timer = null;
                  waiting = false;
                  pump();
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  /** Sends a TCP RST: SO_LINGER 0 makes the close abortive. */
  private void reset() {
    cutting = true;
    discardQueued();
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.close();
  }

  /**
   * Closes the connection normally once the bytes already passed have been written. The queued
   * writes fail only then, because their failure makes the edge handler close the connection at
   * once.
   */
  private void truncate() {
    cutting = true;
    if (lastWrite == null) {
      discardQueued();
      ctx.close();
    } else {
      lastWrite.addListener(
          future -> {
            discardQueued();
            ctx.close();
          });
    }
  }

  private void finishResponse() {
    done = true;
    if (ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
  }

  private void discardQueued() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    Pending pending;
    while ((pending = queue.poll()) != null) {
      ReferenceCountUtil.release(pending.msg);
      pending.promise.tryFailure(new IOException("response cut by an injected fault"));
    }
  }

  private record Pending(Object msg, ChannelPromise promise) {}
}
