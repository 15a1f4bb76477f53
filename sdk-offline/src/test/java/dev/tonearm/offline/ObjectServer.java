package dev.tonearm.offline;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A CDN edge for tests: serves objects over real HTTP on loopback with single-range requests
 * ({@code bytes=a-} and {@code bytes=a-b}), and injects one queued fault per request: a cut
 * connection, a corrupted byte, an error status, an ignored range, or a pause until a gate opens.
 * Records every request. Thread-safe.
 */
public final class ObjectServer implements AutoCloseable {
  /** One injected fault, used by the next request for its path. */
  public static final class Fault {
    enum Kind {
      CUT_AFTER,
      CORRUPT_BYTE,
      STATUS,
      IGNORE_RANGE,
      HOLD_AFTER
    }

    final Kind kind;
    final long value;
    final CountDownLatch gate;

    private Fault(Kind kind, long value, CountDownLatch gate) {
      this.kind = kind;
      this.value = value;
      this.gate = gate;
    }

    /** Sends the headers for the full range, then only {@code bytes} of the body, then closes. */
    public static Fault cutAfter(long bytes) {
      return new Fault(Kind.CUT_AFTER, bytes, null);
    }

    /** Flips the bits of the body byte at {@code offset} (counted from the body's start). */
    public static Fault corruptByte(long offset) {
      return new Fault(Kind.CORRUPT_BYTE, offset, null);
    }

    public static Fault status(int code) {
      return new Fault(Kind.STATUS, code, null);
    }

    /** Responds 200 with the whole object even when a range was requested. */
    public static Fault ignoreRange() {
      return new Fault(Kind.IGNORE_RANGE, 0, null);
    }

    /** Sends {@code bytes} of the body, then waits for {@code gate} before sending the rest. */
    public static Fault holdAfter(long bytes, CountDownLatch gate) {
      return new Fault(Kind.HOLD_AFTER, bytes, gate);
    }
  }

  /** A request as the server received it. */
  public static final class Request {
    public final String path;
    public final String range;
    public final String authorization;

    Request(String path, String range, String authorization) {
      this.path = path;
      this.range = range;
      this.authorization = authorization;
    }

    @Override
    public String toString() {
      return path + (range == null ? "" : " " + range);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
  private final List<Request> requests = new ArrayList<>();
  private int inFlight;
  private int maxInFlight;

  public ObjectServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Returns the URL of {@code path}, which starts with a slash. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public void put(String path, byte[] content) {
    objects.put(path, content.clone());
  }

  public void addFault(String path, Fault fault) {
    faults.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).add(fault);
  }

  public synchronized List<Request> requests() {
    return new ArrayList<>(requests);
  }

  public synchronized List<Request> requestsFor(String path) {
    List<Request> matching = new ArrayList<>();
    for (Request request : requests) {
      if (request.path.equals(path)) {
        matching.add(request);
      }
    }
    return matching;
  }

  public synchronized int maxInFlight() {
    return maxInFlight;
  }

  /** Waits until at least {@code count} requests arrived; returns false on timeout. */
  public synchronized boolean awaitRequests(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (requests.size() < count) {
      long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remainingMs <= 0) {
        return false;
      }
      wait(remainingMs);
    }
    return true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String range = exchange.getRequestHeaders().getFirst("Range");
    synchronized (this) {
      requests.add(
          new Request(path, range, exchange.getRequestHeaders().getFirst("Authorization")));
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      notifyAll();
    }
    try {
      serve(exchange, path, range);
    } catch (IOException e) {
      // The client went away, often on purpose in these tests.
    } finally {
      synchronized (this) {
        inFlight--;
      }
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange, String path, String range) throws IOException {
    Queue<Fault> queue = faults.get(path);
    Fault fault = queue == null ? null : queue.poll();
    byte[] object = objects.get(path);
    if (fault != null && fault.kind == Fault.Kind.STATUS) {
      exchange.sendResponseHeaders((int) fault.value, -1);
      return;
    }
    if (object == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    long start = 0;
    long end = object.length - 1;
    boolean partial = false;
    if (range != null && (fault == null || fault.kind != Fault.Kind.IGNORE_RANGE)) {
      if (!range.startsWith("bytes=") || range.indexOf(',') >= 0) {
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      String spec = range.substring(6);
      int dash = spec.indexOf('-');
      start = Long.parseLong(spec.substring(0, dash));
      if (dash + 1 < spec.length()) {
        end = Math.min(end, Long.parseLong(spec.substring(dash + 1)));
      }
      if (start >= object.length || start > end) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + object.length);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      partial = true;
    }
    long length = end - start + 1;
    exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
    if (partial) {
      exchange
          .getResponseHeaders()
          .add("Content-Range", "bytes " + start + "-" + end + "/" + object.length);
    }
    exchange.sendResponseHeaders(partial ? 206 : 200, length);
    byte[] body = new byte[(int) length];
    System.arraycopy(object, (int) start, body, 0, (int) length);
    OutputStream out = exchange.getResponseBody();
    if (fault == null || fault.kind == Fault.Kind.IGNORE_RANGE) {
      out.write(body);
    } else if (fault.kind == Fault.Kind.CORRUPT_BYTE) {
      if (fault.value < body.length) {
        body[(int) fault.value] ^= (byte) 0xff;
      }
      out.write(body);
    } else if (fault.kind == Fault.Kind.CUT_AFTER) {
      out.write(body, 0, (int) Math.min(fault.value, body.length));
      out.flush();
      // Closing the exchange before Content-Length bytes were sent drops the connection, so the
      // client sees a short body.
      throw new IOException("cut on purpose");
    } else if (fault.kind == Fault.Kind.HOLD_AFTER) {
      int first = (int) Math.min(fault.value, body.length);
      out.write(body, 0, first);
      out.flush();
      try {
        fault.gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      out.write(body, first, body.length - first);
    }
    out.close();
  }
}
