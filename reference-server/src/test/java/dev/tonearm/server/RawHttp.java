package dev.tonearm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over one plain socket, so tests control exactly which connection a
 * request uses and can send malformed or pipelined bytes. Reads responses framed by {@code
 * Content-Length} only, which is all the server sends. Not thread-safe.
 */
public final class RawHttp implements Closeable {
  /** Socket read timeout; a test that waits longer fails instead of hanging. */
  static final int READ_TIMEOUT_MS = 20_000;

  /** A parsed response. Header names are lower case. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** First value of header {@code name}, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    /** Body parsed as JSON. */
    public JsonNode json() throws IOException {
      return Json.MAPPER.readTree(body);
    }

    /** Body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String hostHeader;

  /** Connects to the host and port of {@code baseUrl}. */
  public RawHttp(String baseUrl) throws IOException {
    URI uri = URI.create(baseUrl);
    socket = new Socket();
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    hostHeader = uri.getHost() + ":" + uri.getPort();
  }

  /** Sends one request and reads its response. */
  public Response send(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    writeRequest(method, path, headers, body);
    return readResponse(method.equals("HEAD"));
  }

  /** Sends a GET with the given headers. */
  public Response get(String path, Map<String, String> headers) throws IOException {
    return send("GET", path, headers, null);
  }

  /** Writes a request without reading the response. */
  public void writeRequest(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostHeader).append("\r\n");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  /** Writes raw bytes. */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads one response; for a {@code headRequest} it reads no body, whatever the headers declare. */
  public Response readResponse(boolean headRequest) throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    List<String> length = headers.get("content-length");
    if (!headRequest && length != null) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    }
    return new Response(status, headers, body);
  }

  /** Returns whether the server has closed the connection (reads end of stream). */
  public boolean isClosedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private String readLine() throws IOException {
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
