package dev.tonearm.server.session;

import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.drm.Device;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Json;
import dev.tonearm.server.http.SingleCloseFrameHandler;
import dev.tonearm.server.http.UpgradeErrors;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket endpoint at {@value #PATH} that tells a device at once when another device of its
 * account took over the playback session: {@code {"type":"superseded","sessionId":...,
 * "byDeviceId":...}}. The message protocol is in {@link SessionSocketHandler}.
 *
 * <p><b>Upgrade.</b> The request needs {@code Authorization: Bearer <accessToken>} (missing or
 * invalid: 401 {@code UNAUTHORIZED}; expired: 401 {@code TOKEN_EXPIRED}) and the query parameter {@code deviceId} naming a registered
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
 * <p><b>Late connections.</b> A takeover between the handshake and the connection's registration
 * finds no connection to tell. So each connection, once registered, asks the {@link
 * SessionService} whether the device's most recent session was superseded and, if so, receives
 * the {@code superseded} message at once. A connection receives each session's message at most
 * once, even when the takeover and the registration race.
 *
 * <p><b>Limits.</b> A device keeps at most {@value #MAX_CONNECTIONS_PER_DEVICE} open connections;
 * a newer one closes the oldest with status 1008, so that connections whose client vanished
 * without closing them cannot lock the device out. A device registry allows a bounded number of
 * devices per account, so an account's connections are bounded too.
 *
 * <p>NOTE: the token and the device are checked at the upgrade only, so a connection stays open
 * after its token expires or its device is deauthorised.
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

  /** Maximum open connections per device. A newer connection closes the oldest. */
  public static final int MAX_CONNECTIONS_PER_DEVICE = 4;

  /** Session id of the last {@code superseded} message sent on a channel. */
  private static final AttributeKey<String> LAST_SUPERSEDED_SESSION =
      AttributeKey.valueOf(SessionEventsEndpoint.class, "lastSupersededSession");

  private static final Logger log = LoggerFactory.getLogger(SessionEventsEndpoint.class);

  private final AuthService auth;
  private final DeviceRegistry devices;
  private final SessionService sessions;

  /**
   * Open connections by device id, oldest first. Each list is immutable and replaced inside
   * {@code compute}, so readers iterate a consistent snapshot.
   */
  private final Map<String, List<Channel>> channelsByDevice = new ConcurrentHashMap<>();

  /** Hook that runs on the event loop just before a connection registers, for tests. */
  private volatile BiConsumer<String, String> beforeRegisterHook = (accountId, deviceId) -> {};

  /** Creates the endpoint and subscribes it to the superseded sessions of {@code sessions}. */
  public SessionEventsEndpoint(AuthService auth, DeviceRegistry devices, SessionService sessions) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.devices = Objects.requireNonNull(devices, "devices");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    sessions.addSupersededListener(this::sendSuperseded);
  }

  /** Returns a new handler for one channel that upgrades requests to {@link #PATH}. */
  public ChannelHandler newUpgradeHandler() {
    return new UpgradeHandler();
  }

  /** Returns the number of open connections of {@code deviceId}. */
  public int connectionCount(String deviceId) {
    List<Channel> channels = channelsByDevice.get(deviceId);
    return channels == null ? 0 : channels.size();
  }

  /** Sets the hook that runs with the account and device ids before each registration. */
  void setBeforeRegisterHook(BiConsumer<String, String> hook) {
    beforeRegisterHook = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Registers an upgraded connection for takeover notices, closes the device's oldest connection
   * above {@link #MAX_CONNECTIONS_PER_DEVICE}, and sends the {@code superseded} message at once
   * when the device's most recent session was taken over before this call.
   */
  void register(String accountId, String deviceId, Channel channel) {
    beforeRegisterHook.accept(accountId, deviceId);
    List<Channel> evicted = new ArrayList<>();
    channelsByDevice.compute(
        deviceId,
        (id, channels) -> {
          List<Channel> updated = new ArrayList<>(channels == null ? List.of() : channels);
          updated.add(channel);
          while (updated.size() > MAX_CONNECTIONS_PER_DEVICE) {
            evicted.add(updated.remove(0));
          }
          return List.copyOf(updated);
        });
    for (Channel oldest : evicted) {
      log.debug("closing the oldest events connection of device {}: limit reached", deviceId);
      SessionSocketHandler.close(
          oldest, WebSocketCloseStatus.POLICY_VIOLATION, "replaced by a newer connection");
    }
    // The channel is registered before this check. So a takeover that the check misses finds the
    // channel in channelsByDevice, and one that both paths see is sent once because of the
    // channel attribute.
    sessions
        .supersededEnding(accountId, deviceId)
        .ifPresent(ending -> sendSuperseded(channel, ending.sessionId(), ending.byDeviceId()));
  }

  void unregister(String deviceId, Channel channel) {
    channelsByDevice.computeIfPresent(
        deviceId,
        (id, channels) -> {
          List<Channel> updated = new ArrayList<>(channels);
          updated.remove(channel);
          return updated.isEmpty() ? null : List.copyOf(updated);
        });
  }

  private void sendSuperseded(PlaybackSession superseded, PlaybackSession replacement) {
    List<Channel> channels = channelsByDevice.get(superseded.deviceId());
    if (channels == null) {
      log.debug(
          "device {} has no events connection; it learns of the takeover by heartbeat",
          superseded.deviceId());
      return;
    }
    for (Channel channel : channels) {
      sendSuperseded(channel, superseded.sessionId(), replacement.deviceId());
    }
  }

  private static void sendSuperseded(Channel channel, String sessionId, String byDeviceId) {
    String previous = channel.attr(LAST_SUPERSEDED_SESSION).getAndSet(sessionId);
    if (sessionId.equals(previous)) {
      return;
    }
    String message =
        Json.MAPPER
            .createObjectNode()
            .put("type", "superseded")
            .put("sessionId", sessionId)
            .put("byDeviceId", byDeviceId)
            .toString();
    SessionSocketHandler.send(channel, message);
  }

  private void handleUpgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
    Principal principal;
    try {
      principal = auth.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    } catch (ApiException e) {
      // UNAUTHORIZED or TOKEN_EXPIRED, so that a client knows when refreshing the token helps.
      UpgradeErrors.reject(ctx, request, e);
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
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(MAX_FRAME_BYTES)
                    .closeOnProtocolViolation(false)
                    .build())
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(10))
            .build();
    ctx.pipeline()
        .addAfter(ctx.name(), "session-frame-errors", new SingleCloseFrameHandler());
    ctx.pipeline()
        .addAfter(
            "session-frame-errors", "session-websocket", new WebSocketServerProtocolHandler(config));
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
    UpgradeErrors.reject(ctx, request, new ApiException(code, message));
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
