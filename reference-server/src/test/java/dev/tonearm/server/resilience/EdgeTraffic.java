package dev.tonearm.server.resilience;

import dev.tonearm.server.cdn.EdgeRequest;
import dev.tonearm.server.cdn.EdgeRequestHook;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An edge hook that records each object request's {@code Range} header and counts the bytes that
 * each edge wrote to its sockets on connections that served object requests. The count includes
 * response heads and is taken at the head of the pipeline, after any fault shaping, so it is what
 * left the edge. Thread-safe.
 */
final class EdgeTraffic implements EdgeRequestHook {
  private static final String COUNTER_NAME = "edge-traffic-counter";

  private final Map<String, AtomicLong> bytesByEdge = new HashMap<>();
  private final List<String> ranges = new ArrayList<>();

  @Override
  public void beforeServe(EdgeRequest request) {
    synchronized (this) {
      ranges.add(
          request.edgeName()
              + " "
              + request.object().trackId()
              + "/"
              + request.object().renditionId()
              + " "
              + request.http().header("Range"));
    }
    ChannelPipeline pipeline = request.channel().pipeline();
    if (pipeline.get(COUNTER_NAME) == null) {
      pipeline.addFirst(COUNTER_NAME, new Counter(counter(request.edgeName())));
    }
  }

  /** Returns the bytes written by {@code edgeName} so far. */
  synchronized long bytesWritten(String edgeName) {
    AtomicLong count = bytesByEdge.get(edgeName);
    return count == null ? 0 : count.get();
  }

  /** Returns the object requests so far, each as {@code "edge-0 track/rendition bytes=a-b"}. */
  synchronized List<String> ranges() {
    return new ArrayList<>(ranges);
  }

  private synchronized AtomicLong counter(String edgeName) {
    return bytesByEdge.computeIfAbsent(edgeName, name -> new AtomicLong());
  }

  /** Counter of the bytes of every outbound buffer, kept for the connection's lifetime. */
  @ChannelHandler.Sharable
  private static final class Counter extends ChannelDuplexHandler {
    private final AtomicLong bytes;

    Counter(AtomicLong bytes) {
      this.bytes = bytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf) {
        bytes.addAndGet(((ByteBuf) msg).readableBytes());
      } else if (msg instanceof ByteBufHolder) {
        bytes.addAndGet(((ByteBufHolder) msg).content().readableBytes());
      }
      ctx.write(msg, promise);
    }
  }
}
