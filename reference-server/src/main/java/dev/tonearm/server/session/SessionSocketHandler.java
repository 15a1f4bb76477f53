package dev.tonearm.server.session;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.Json;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an upgraded session events connection.
 *
 * <p>Protocol: the server sends {@code superseded} messages (see {@link SessionEventsEndpoint}).
 * The client may send {@code {"type":"ping"}}, which gets {@code {"type":"pong"}}. Every other
 * message gets {@code {"type":"error","code":...,"message":...}} and the connection closes:
 *
 * <ul>
 *   <li>{@code MESSAGE_TOO_LARGE}, close status 1009, for a text message over {@value
 *       #MAX_MESSAGE_BYTES} bytes of UTF-8;
 *   <li>{@code UNSUPPORTED_FRAME}, close status 1003, for binary frames;
 *   <li>{@code PROTOCOL_ERROR}, close status 1008, for fragmented messages, text that is not a JSON
 *       object with a string {@code type}, and unknown types.
 * </ul>
 *
 * <p>Fragments are rejected instead of joined, so a connection never holds more than one frame of
 * at most {@value SessionEventsEndpoint#MAX_FRAME_BYTES} bytes. Sits after Netty's {@code
 * WebSocketServerProtocolHandler}, which handles control frames, and runs on the channel's event
 * loop.
 */
final class SessionSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** Maximum size of a client message in bytes of UTF-8. */
  static final int MAX_MESSAGE_BYTES = 1024;

  private static final Logger log = LoggerFactory.getLogger(SessionSocketHandler.class);
  private static final AtomicLong stalledClosures = new AtomicLong();
  private static final AtomicLong rejectedMessages = new AtomicLong();

  private final SessionEventsEndpoint endpoint;
  private final String accountId;
  private final String deviceId;
  private boolean registered;

  SessionSocketHandler(SessionEventsEndpoint endpoint, String accountId, String deviceId) {
    this.endpoint = endpoint;
    this.accountId = accountId;
    this.deviceId = deviceId;
  }

  /**
   * Sends {@code text} on {@code channel}, or closes the channel when its client has stopped
   * reading and the outbound buffer is full.
   */
  static void send(Channel channel, String text) {
    if (!channel.isActive()) {
      return;
    }
    if (!channel.isWritable()) {
      log.warn(
          "closing session events connection {} whose client stopped reading ({} so far)",
          channel.remoteAddress(),
          stalledClosures.incrementAndGet());
      close(channel, WebSocketCloseStatus.TRY_AGAIN_LATER, "client reads too slowly");
      return;
    }
    channel.writeAndFlush(new TextWebSocketFrame(text));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      registered = true;
      endpoint.register(accountId, deviceId, ctx.channel());
      log.debug("session events connection of device {} of {} opened", deviceId, accountId);
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (!frame.isFinalFragment() || frame instanceof ContinuationWebSocketFrame) {
      reject(
          ctx,
          "PROTOCOL_ERROR",
          "fragmented messages are not accepted",
          WebSocketCloseStatus.POLICY_VIOLATION);
      return;
    }
    if (!(frame instanceof TextWebSocketFrame)) {
      reject(
          ctx,
          "UNSUPPORTED_FRAME",
          "only text frames are accepted",
          WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
      return;
    }
    if (frame.content().readableBytes() > MAX_MESSAGE_BYTES) {
      reject(
          ctx,
          "MESSAGE_TOO_LARGE",
          "message has " + frame.content().readableBytes() + " bytes; the limit is "
              + MAX_MESSAGE_BYTES,
          WebSocketCloseStatus.MESSAGE_TOO_BIG);
      return;
    }
    String text = frame.content().toString(StandardCharsets.UTF_8);
    JsonNode message;
    try {
      message = Json.MAPPER.readTree(text);
    } catch (JacksonException e) {
      reject(ctx, "PROTOCOL_ERROR", "message is not valid JSON",
          WebSocketCloseStatus.POLICY_VIOLATION);
      return;
    }
    JsonNode type = message == null ? null : message.get("type");
    if (type == null || !message.isObject() || !type.isTextual()) {
      reject(ctx, "PROTOCOL_ERROR", "message must be a JSON object with a string field 'type'",
          WebSocketCloseStatus.POLICY_VIOLATION);
      return;
    }
    if (!"ping".equals(type.textValue())) {
      reject(ctx, "PROTOCOL_ERROR", "unknown message type '" + truncate(type.textValue()) + "'",
          WebSocketCloseStatus.POLICY_VIOLATION);
      return;
    }
    send(ctx.channel(), "{\"type\":\"pong\"}");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (registered) {
      endpoint.unregister(deviceId, ctx.channel());
      registered = false;
      log.debug("session events connection of device {} closed", deviceId);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException) {
      // SingleCloseFrameHandler has already sent the one close frame (1009 for an oversized
      // frame) and closes the channel once it is written.
      log.debug("invalid frame from device {}: {}", deviceId, cause.getMessage());
      return;
    }
    log.warn("closing the session events connection of device {} after an error", deviceId, cause);
    ctx.close();
  }

  private void reject(
      ChannelHandlerContext ctx, String code, String text, WebSocketCloseStatus status) {
    log.debug(
        "rejected a message from device {} with {} ({} so far)",
        deviceId,
        code,
        rejectedMessages.incrementAndGet());
    String error =
        Json.MAPPER
            .createObjectNode()
            .put("type", "error")
            .put("code", code)
            .put("message", text)
            .toString();
    ctx.channel().writeAndFlush(new TextWebSocketFrame(error));
    close(ctx.channel(), status, code);
  }

  /** Sends a close frame with {@code status} and closes {@code channel} once it is written. */
  static void close(Channel channel, WebSocketCloseStatus status, String reason) {
    channel
        .writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static String truncate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
