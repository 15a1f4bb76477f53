package dev.tonearm.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * One bound HTTP/1.1 listener. Each accepted connection gets the pipeline {@code IdleStateHandler
 * -> HttpServerCodec -> RequestCollector -> handler}, where the handler comes from a supplier. Open connections are
 * tracked so {@link #closeConnections()} can end them at shutdown.
 *
 * <p>Threading: created and closed by the server's lifecycle thread; the pipeline runs on the
 * worker event loops.
 */
public final class HttpListener {
  /** Maximum request-line length; longer lines get 400 BAD_REQUEST. */
  public static final int MAX_INITIAL_LINE_BYTES = 4096;

  /** Maximum size of all request headers together; larger headers get 400 BAD_REQUEST. */
  public static final int MAX_HEADER_BYTES = 8192;

  /** A connection with no traffic for this long and no request in progress is closed. */
  public static final int IDLE_TIMEOUT_S = 60;

  private final String name;
  private final Channel serverChannel;
  private final ChannelGroup connections;

  private HttpListener(String name, Channel serverChannel, ChannelGroup connections) {
    this.name = name;
    this.serverChannel = serverChannel;
    this.connections = connections;
  }

  /**
   * Binds {@code address:port} (port 0 picks a free port) and blocks until bound.
   *
   * @param handlerFactory creates the last handler of each new connection's pipeline
   */
  public static HttpListener bind(
      String name,
      EventLoopGroup bossGroup,
      EventLoopGroup workerGroup,
      InetAddress address,
      int port,
      int maxBodyBytes,
      Supplier<SerialHttpHandler> handlerFactory)
      throws InterruptedException {
    ChannelGroup connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    HttpDecoderConfig decoderConfig =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
            .setMaxHeaderSize(MAX_HEADER_BYTES);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    connections.add(channel);
                    channel
                        .pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT_S))
                        .addLast("codec", new HttpServerCodec(decoderConfig))
                        .addLast("collector", new RequestCollector(maxBodyBytes))
                        .addLast("handler", handlerFactory.get());
                  }
                });
    Channel serverChannel = bootstrap.bind(address, port).sync().channel();
    return new HttpListener(name, serverChannel, connections);
  }

  /** Listener name used in logs, such as {@code api} or {@code edge-0}. */
  public String name() {
    return name;
  }

  /** Returns the bound address and port. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Base URL such as {@code http://127.0.0.1:41001}, without a trailing slash. */
  public String baseUrl() {
    InetSocketAddress address = localAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + address.getPort();
  }

  /** Closes the listening socket; open connections stay up. */
  public void stopAccepting() {
    serverChannel.close().syncUninterruptibly();
  }

  /** Closes every open connection of this listener. */
  public void closeConnections() {
    connections.close().awaitUninterruptibly();
  }
}
