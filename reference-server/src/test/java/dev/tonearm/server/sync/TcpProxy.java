package dev.tonearm.server.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback TCP proxy that can take a client offline: {@link #goOffline()} drops every open
 * connection and closes new ones at once, {@link #goOnline()} forwards again. Real sockets, so the
 * client sees the same failures as on a lost network.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> open = new ArrayList<>();
  private final AtomicInteger acceptedCount = new AtomicInteger();
  private volatile boolean online = true;
  private volatile boolean closed;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Returns the number of client connections accepted so far, online or offline. */
  public int acceptedCount() {
    return acceptedCount.get();
  }

  public synchronized void goOffline() {
    online = false;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  public void goOnline() {
    online = true;
  }

  @Override
  public void close() {
    closed = true;
    goOffline();
    closeQuietly(listener);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      acceptedCount.incrementAndGet();
      if (!online) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        synchronized (this) {
          open.add(client);
          open.add(server);
        }
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // Connection dropped, by either side or by goOffline().
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
