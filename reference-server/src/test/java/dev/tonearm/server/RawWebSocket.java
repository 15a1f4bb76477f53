package dev.tonearm.server;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket client over one plain socket, so tests can send frames that a real client library
 * would not: a frame header that declares more payload than follows, for example. Not
 * thread-safe.
 */
public final class RawWebSocket implements Closeable {
  /** One unmasked server frame. */
  public record Frame(int opcode, byte[] payload) {
    /** Status code of a close frame. */
    public int closeStatus() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to a loopback {@code port} with {@code timeoutMs} for connecting and each read. */
  public static RawWebSocket connect(int port, int timeoutMs) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
    socket.setSoTimeout(timeoutMs);
    return new RawWebSocket(socket);
  }

  /**
   * Sends an upgrade request for {@code pathAndQuery} with {@code headers} added, and reads the
   * response head.
   *
   * @return the status line of the response
   */
  public String upgrade(String pathAndQuery, Map<String, String> headers) throws IOException {
    StringBuilder head = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n");
    head.append("Host: localhost\r\n");
    head.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    head.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder response = new StringBuilder();
    while (!response.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade: " + response);
      }
      response.append((char) b);
    }
    return response.substring(0, response.indexOf("\r\n"));
  }

  /**
   * Writes the header of a masked text frame that declares {@code declaredLength} payload bytes,
   * and no payload. A server that enforces a frame limit must reject it from the header alone.
   * Sending no payload keeps the server's receive buffer empty, so its close is a clean FIN and
   * the close frame cannot be lost to a reset.
   */
  public void writeTextFrameHeader(long declaredLength) throws IOException {
    out.write(0x81);
    if (declaredLength < 126) {
      out.write(0x80 | (int) declaredLength);
    } else if (declaredLength <= 0xffff) {
      out.write(0x80 | 126);
      out.write((int) (declaredLength >>> 8));
      out.write((int) (declaredLength & 0xff));
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (declaredLength >>> shift) & 0xff);
      }
    }
    out.write(new byte[] {1, 2, 3, 4});
    out.flush();
  }

  /** Reads frames until the server closes the connection, and returns them in order. */
  public List<Frame> readUntilClosed() throws IOException {
    List<Frame> frames = new ArrayList<>();
    while (true) {
      int first;
      try {
        first = in.readUnsignedByte();
      } catch (EOFException | java.net.SocketException end) {
        return frames;
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      frames.add(new Frame(first & 0x0f, payload));
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
