package dev.tonearm.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Closes a WebSocket connection with one close frame when Netty's frame decoder rejects a frame,
 * such as 1009 for a frame over the size limit.
 *
 * <p>The decoder must be configured with {@code closeOnProtocolViolation(false)}: its own close
 * frame bypasses {@code WebSocketServerProtocolHandler}, which then sends a second close frame
 * (1000) when the channel closes. Writing through the channel lets the protocol handler record the
 * close frame as sent. Add it right before the protocol handler. It runs on the event loop and
 * keeps no state, so one instance per channel is cheap.
 */
public final class SingleCloseFrameHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException corrupted)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    WebSocketCloseStatus status =
        corrupted.closeStatus() != null
            ? corrupted.closeStatus()
            : WebSocketCloseStatus.PROTOCOL_ERROR;
    ctx.channel()
        .writeAndFlush(new CloseWebSocketFrame(status))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
