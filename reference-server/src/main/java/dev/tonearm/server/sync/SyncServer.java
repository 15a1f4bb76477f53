package dev.tonearm.server.sync;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stand-alone Netty server with only the sync endpoint, for tests and benchmarks; the full
 * reference server mounts {@link SyncEndpoint} on its own pipeline instead.
 *
 * <p>Pipeline per connection: an idle handler that closes connections which stay idle before their
 * upgrade, {@code HttpServerCodec}, {@code HttpObjectAggregator} (64 KiB), the endpoint's upgrade
 * handler, and a handler that responds to every other request with 404.
 * Thread-safe; {@link #close()} stops the event loops.
 */
public final class SyncServer implements Closeable {
  /**
   * Default time a connection may stay idle before its WebSocket upgrade: 60 s, the idle timeout
   * of the API and edge listeners.
   */
  public static final int DEFAULT_HANDSHAKE_IDLE_S = 60;

  private static final Logger log = LoggerFactory.getLogger(SyncServer.class);
  private static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final String path;

  private SyncServer(
      EventLoopGroup group, Channel serverChannel, ChannelGroup connections, String path) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.path = path;
  }

  /** Binds {@code address} (use port 0 for any free port) and starts serving. */
  public static SyncServer start(SyncEndpoint endpoint, InetSocketAddress address)
      throws InterruptedException {
    return start(endpoint, address, List.of());
  }

  /**
   * Binds {@code address} and starts serving, with the handlers from {@code
   * upgradeHandlerFactories} after the sync endpoint's upgrade handler in each connection's
   * pipeline. Each of them must pass requests for other paths on, as the sync endpoint does, so
   * that other WebSocket endpoints can share the listener.
   */
  public static SyncServer start(
      SyncEndpoint endpoint,
      InetSocketAddress address,
      List<Supplier<ChannelHandler>> upgradeHandlerFactories)
      throws InterruptedException {
    return start(
        endpoint, address, upgradeHandlerFactories, Duration.ofSeconds(DEFAULT_HANDSHAKE_IDLE_S));
  }

  /**
   * Binds and starts serving as {@link #start(SyncEndpoint, InetSocketAddress, List)} does, and
   * closes a connection that has sent or received nothing for {@code handshakeIdleTimeout} before
   * its WebSocket upgrade. An upgraded connection is not subject to this timeout.
   */
  public static SyncServer start(
      SyncEndpoint endpoint,
      InetSocketAddress address,
      List<Supplier<ChannelHandler>> upgradeHandlerFactories,
      Duration handshakeIdleTimeout)
      throws InterruptedException {
    if (handshakeIdleTimeout.isNegative() || handshakeIdleTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshakeIdleTimeout must be > 0: " + handshakeIdleTimeout);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    try {
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      connections.add(channel);
                      channel
                          .pipeline()
                          .addLast("handshake-idle", new HandshakeIdleHandler(handshakeIdleTimeout))
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
                          .addLast(endpoint.newUpgradeHandler());
                      for (Supplier<ChannelHandler> factory : upgradeHandlerFactories) {
                        channel.pipeline().addLast(factory.get());
                      }
                      channel.pipeline().addLast(new NotFoundHandler());
                    }
                  });
      Channel channel = bootstrap.bind(address).sync().channel();
      return new SyncServer(group, channel, connections, endpoint.path());
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Returns the {@code ws://} URI of the endpoint. */
  public URI uri() {
    InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
    return URI.create(
        "ws://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    // The quiet period lets pipelines of closed connections finish tearing down on the
    // endpoint's executor before the event loops stop.
    group
        .shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
  }

  /**
   * Closes a connection that stays idle before its WebSocket upgrade. Once the upgrade handler has
   * put Netty's {@code WebSocketServerProtocolHandler} in the pipeline, the first idle event
   * removes this handler instead, because an open WebSocket follows its own ping and close rules.
   */
  private static final class HandshakeIdleHandler extends IdleStateHandler {
    HandshakeIdleHandler(Duration timeout) {
      super(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
      if (ctx.pipeline().get(WebSocketServerProtocolHandler.class) != null) {
        ctx.pipeline().remove(this);
        return;
      }
      log.debug(
          "closing sync connection {}: idle before its upgrade", ctx.channel().remoteAddress());
      ctx.close();
    }
  }

  /** Responds with 404 to every request that reaches it. */
  private static final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      byte[] body =
          "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no such path\"}}"
              .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              request.protocolVersion(),
              HttpResponseStatus.NOT_FOUND,
              Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
