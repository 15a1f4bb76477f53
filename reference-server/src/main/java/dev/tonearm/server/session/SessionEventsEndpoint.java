package dev.tonearm.server.session;

import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.drm.Device;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket endpoint at {@value #PATH} that tells a device at once when another device of its
 * account took over the playback session: {@code {"type":"superseded","sessionId":...,
 * "byDeviceId":...}}. The message protocol is in {@link SessionSocketHandler}.
 *
 * <p><b>Upgrade.</b> The request needs {@code Authorization: Bearer <accessToken>} (missing or
 * invalid: 401 {@code UNAUTHORIZED}) and the query parameter {@code deviceId} naming a registered
 * device of the token's account (missing: 400 {@code BAD_REQUEST}; unknown: 404 {@code
 * DEVICE_NOT_FOUND}; another account's: 403 {@code DEVICE_NOT_OWNED}). Failed upgrades get a JSON
 * error body and the connection closes.
 *
 * <p><b>Pipeline.</b> The host pipeline needs {@code HttpServerCodec} and {@code
 * HttpObjectAggregator} in front of {@link #newUpgradeHandler()}, which passes every request for
 * another path on unchanged. On an upgrade it inserts Netty's {@code
 * WebSocketServerProtocolHandler} (handshake, ping, close, a frame limit of {@value
 * #MAX_FRAME_BYTES} bytes) and a {@link SessionSocketHandler} right after itself. Everything runs
 * on the channel's event loop; authentication is an in-memory lookup and does not block.
 *
 * <p>Thread-safe: superseded notices arrive on the thread that started the new session and are
 * written to the channels with Netty's thread-safe {@code writeAndFlush}.
 */
public final class SessionEventsEndpoint {
  /** Request path of the WebSocket. */
  public static final String PATH = "/v1/sessions/events";

  /** Frames above this payload size are closed by Netty with status 1009 before any parsing. */
  public static final int MAX_FRAME_BYTES = 16 * 1024;

  /** Outbound bytes queued on one connection above which the connection counts as stalled. */
  static final int MAX_PENDING_OUTBOUND_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(SessionEventsEndpoint.class);

  private final AuthService auth;
  private final DeviceRegistry devices;

  /** Open connections by device id. */
  private final Map<String, Set<Channel>> channelsByDevice = new ConcurrentHashMap<>();

  /** Creates the endpoint and subscribes it to the superseded sessions of {@code sessions}. */
  public SessionEventsEndpoint(AuthService auth, DeviceRegistry devices, SessionService sessions) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.devices = Objects.requireNonNull(devices, "devices");
    sessions.addSupersededListener(this::sendSuperseded);
  }

  /** Returns a new handler for one channel that upgrades requests to {@link #PATH}. */
  public ChannelHandler newUpgradeHandler() {
    return new UpgradeHandler();
  }

  /** Returns the number of open connections of {@code deviceId}. */
  public int connectionCount(String deviceId) {
    Set<Channel> channels = channelsByDevice.get(deviceId);
    return channels == null ? 0 : channels.size();
  }

  void register(String deviceId, Channel channel) {
    channelsByDevice.computeIfAbsent(deviceId, id -> ConcurrentHashMap.newKeySet()).add(channel);
  }

  void unregister(String deviceId, Channel channel) {
    channelsByDevice.computeIfPresent(
        deviceId,
        (id, channels) -> {
          channels.remove(channel);
          return channels.isEmpty() ? null : channels;
        });
  }

  private void sendSuperseded(PlaybackSession superseded, PlaybackSession replacement) {
    Set<Channel> channels = channelsByDevice.get(superseded.deviceId());
    if (channels == null) {
      log.debug(
          "device {} has no events connection; it learns of the takeover by heartbeat",
          superseded.deviceId());
      return;
    }
    String message =
        Json.MAPPER
            .createObjectNode()
            .put("type", "superseded")
            .put("sessionId", superseded.sessionId())
            .put("byDeviceId", replacement.deviceId())
            .toString();
    for (Channel channel : channels) {
      SessionSocketHandler.send(channel, message);
    }
  }

  private void handleUpgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    Principal principal;
    try {
      principal = auth.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    } catch (ApiException e) {
      respondError(ctx, request, ErrorCode.UNAUTHORIZED, e.getMessage());
      return;
    }
    List<String> deviceIds = new QueryStringDecoder(request.uri()).parameters().get("deviceId");
    if (deviceIds == null || deviceIds.size() != 1 || deviceIds.get(0).isEmpty()) {
      respondError(
          ctx, request, ErrorCode.BAD_REQUEST, "query parameter deviceId must be given once");
      return;
    }
    String deviceId = deviceIds.get(0);
    Optional<Device> device = devices.find(deviceId);
    if (device.isEmpty()) {
      respondError(
          ctx, request, ErrorCode.DEVICE_NOT_FOUND, "device " + deviceId + " is not registered");
      return;
    }
    if (!device.get().accountId().equals(principal.accountId())) {
      respondError(
          ctx,
          request,
          ErrorCode.DEVICE_NOT_OWNED,
          "device " + deviceId + " is registered to another account");
      return;
    }
    if (!request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      respondError(ctx, request, ErrorCode.BAD_REQUEST, PATH + " only accepts WebSocket upgrades");
      return;
    }

    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(PATH)
            .checkStartsWith(true)
            .maxFramePayloadLength(MAX_FRAME_BYTES)
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(10))
            .build();
    ctx.pipeline()
        .addAfter(ctx.name(), "session-websocket", new WebSocketServerProtocolHandler(config));
    ctx.pipeline()
        .addAfter(
            "session-websocket",
            "session-events",
            new SessionSocketHandler(this, principal.accountId(), deviceId));
    ctx.channel()
        .config()
        .setWriteBufferWaterMark(
            new WriteBufferWaterMark(MAX_PENDING_OUTBOUND_BYTES / 2, MAX_PENDING_OUTBOUND_BYTES));
    ctx.fireChannelRead(request);
  }

  private static void respondError(
      ChannelHandlerContext ctx, FullHttpRequest request, ErrorCode code, String message) {
    request.release();
    byte[] body =
        Json.MAPPER
            .createObjectNode()
            .set(
                "error",
                Json.MAPPER.createObjectNode().put("code", code.name()).put("message", message))
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    ByteBuf content = Unpooled.wrappedBuffer(body);
    FullHttpResponse response =
        new DefaultFullHttpResponse(request.protocolVersion(), code.status(), content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    HttpUtil.setContentLength(response, body.length);
    if (code.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Upgrades requests to {@link #PATH} and passes everything else on. */
  private final class UpgradeHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest request
          && new QueryStringDecoder(request.uri()).path().equals(PATH)) {
        handleUpgrade(ctx, request);
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }
}
