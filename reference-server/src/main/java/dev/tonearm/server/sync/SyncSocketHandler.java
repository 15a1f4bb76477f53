package dev.tonearm.server.sync;

import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.SyncProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an upgraded sync connection: starts a {@link SyncSession} when the handshake
 * completes and hands it every text message.
 *
 * <p>Sits after {@code WebSocketServerProtocolHandler} and {@code WebSocketFrameAggregator}, so it
 * receives whole data frames only; control frames are handled before it. Runs on the {@link
 * SyncEndpoint}'s executor, one connection per executor thread at a time.
 */
final class SyncSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger logger = LoggerFactory.getLogger(SyncSocketHandler.class);
  private static final AtomicLong slowClosures = new AtomicLong();

  private final SyncService service;
  private final String userId;
  private SyncSession session;

  SyncSocketHandler(SyncService service, String userId) {
    this.service = service;
    this.userId = userId;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      session = service.openSession(userId, new NettyConnection(ctx.channel()));
      logger.debug("Sync connection of {} opened from {}", userId, ctx.channel().remoteAddress());
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (session == null) {
      return;
    }
    if (frame instanceof TextWebSocketFrame) {
      session.onMessage(((TextWebSocketFrame) frame).text());
    } else {
      session.send(
          SyncProtocol.error(
              SyncException.Reason.PROTOCOL_ERROR,
              "only text frames with JSON messages are accepted",
              null,
              0,
              null));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      session.onClose();
      session = null;
      logger.debug("Sync connection of {} closed", userId);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException) {
      // SyncEndpoint's frame error handler has already sent the close frame (1009 for a frame
      // over the limit) and closes the channel once it is written.
      logger.debug("Invalid frame on the sync connection of {}: {}", userId, cause.getMessage());
      return;
    }
    logger.warn("Closing the sync connection of {} after an error", userId, cause);
    ctx.close();
  }

  /** Sends text frames on a channel; closes it when the client reads too slowly. */
  private static final class NettyConnection implements SyncConnection {
    private final Channel channel;

    NettyConnection(Channel channel) {
      this.channel = channel;
    }

    @Override
    public void send(String text) {
      if (!channel.isActive()) {
        return;
      }
      if (!channel.isWritable()) {
        if (channel.bytesBeforeWritable() == Long.MAX_VALUE) {
          return; // Closing: the outbound buffer is gone, so nothing more can be sent.
        }
        long count = slowClosures.incrementAndGet();
        logger.warn(
            "Closing sync connection {} whose client reads too slowly ({} so far)",
            channel.remoteAddress(),
            count);
        close(WebSocketCloseStatus.TRY_AGAIN_LATER.code(), "client reads too slowly");
        return;
      }
      channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Override
    public void close(int statusCode, String reason) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(statusCode, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
