package dev.tonearm.server.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one GET over a fresh socket and records how the response arrived: the status, headers,
 * every body byte with the time it was read, and how the body ended (complete, end of stream, error
 * or read timeout). Unlike {@code RawHttp} it keeps partial bodies. Not thread-safe.
 */
final class BodyProbe {
  /** How a body ended. */
  enum End {
    /** Content-Length bytes arrived. */
    COMPLETE,
    /** The server closed the connection before Content-Length bytes. */
    END_OF_STREAM,
    /** A read failed, for example with a connection reset. */
    ERROR,
    /** No byte arrived within the read timeout. */
    TIMEOUT
  }

  /** What arrived. {@code readTimesNanos[i]} is when body byte {@code i} was read. */
  record Result(
      int status,
      Map<String, String> headers,
      byte[] body,
      long[] readTimesNanos,
      long startNanos,
      long headNanos,
      End end,
      IOException error) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Maximum gap between consecutive body reads, and the body offset after which it fell. */
    long[] longestGapNanosAndOffset() {
      long gap = 0;
      long offset = -1;
      for (int i = 1; i < readTimesNanos.length; i++) {
        long current = readTimesNanos[i] - readTimesNanos[i - 1];
        if (current > gap) {
          gap = current;
          offset = i;
        }
      }
      return new long[] {gap, offset};
    }
  }

  private BodyProbe() {}

  /** Sends {@code GET path} to {@code baseUrl} and reads the response with {@code timeoutMs}. */
  static Result get(String baseUrl, String path, Map<String, String> headers, int timeoutMs)
      throws IOException {
    URI uri = URI.create(baseUrl);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
      head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      long start = System.nanoTime();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();

      String statusLine;
      try {
        statusLine = readLine(in);
      } catch (IOException e) {
        return new Result(-1, Map.of(), new byte[0], new long[0], start, -1, End.ERROR, e);
      }
      long headNanos = System.nanoTime();
      if (statusLine == null) {
        return new Result(
            -1, Map.of(), new byte[0], new long[0], start, -1, End.END_OF_STREAM, null);
      }
      int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      Map<String, String> responseHeaders = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        responseHeaders.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(responseHeaders.getOrDefault("content-length", "0"));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<Long> times = new ArrayList<>();
      byte[] buffer = new byte[8192];
      End end = End.COMPLETE;
      IOException error = null;
      while (body.size() < length) {
        int count;
        try {
          count = in.read(buffer, 0, Math.min(buffer.length, length - body.size()));
        } catch (SocketTimeoutException e) {
          end = End.TIMEOUT;
          error = e;
          break;
        } catch (IOException e) {
          end = End.ERROR;
          error = e;
          break;
        }
        if (count < 0) {
          end = End.END_OF_STREAM;
          break;
        }
        long now = System.nanoTime();
        body.write(buffer, 0, count);
        for (int i = 0; i < count; i++) {
          times.add(now);
        }
      }
      long[] readTimes = times.stream().mapToLong(Long::longValue).toArray();
      return new Result(
          status, responseHeaders, body.toByteArray(), readTimes, start, headNanos, end, error);
    }
  }

  /** Reads one line byte by byte, so no body byte is consumed early. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
