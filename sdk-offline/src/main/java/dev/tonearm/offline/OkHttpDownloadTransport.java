package dev.tonearm.offline;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;

/**
 * A {@link DownloadTransport} on OkHttp: one GET per call, with {@code Range: bytes=offset-} when
 * resuming and {@code Authorization: Bearer} when a token is available.
 *
 * <p>Thread-safe, as OkHttp's client is. OkHttp's own {@code Response} type is written with its
 * package because {@link DownloadTransport.Response} has the same simple name.
 */
public final class OkHttpDownloadTransport implements DownloadTransport {
  /** Supplies the current access token. */
  @FunctionalInterface
  public interface AccessTokenProvider {
    /** Returns the access token, or null to send no Authorization header. */
    String accessToken() throws IOException;
  }

  private final OkHttpClient client;
  private final AccessTokenProvider tokens;

  public OkHttpDownloadTransport(OkHttpClient client, AccessTokenProvider tokens) {
    if (client == null) {
      throw new NullPointerException("client");
    }
    if (tokens == null) {
      throw new NullPointerException("tokens");
    }
    this.client = client;
    this.tokens = tokens;
  }

  @Override
  public DownloadTransport.Response open(String url, long offsetBytes) throws IOException {
    Request.Builder request = new Request.Builder().url(url).get();
    if (offsetBytes > 0) {
      request.header("Range", "bytes=" + offsetBytes + "-");
    }
    String token = tokens.accessToken();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    okhttp3.Call call = client.newCall(request.build());
    okhttp3.Response response = call.execute();
    boolean handedOver = false;
    try {
      int status = response.code();
      long start;
      if (status == 200) {
        start = 0;
      } else if (status == 206) {
        start = parseContentRangeStart(response.header("Content-Range"), url);
      } else {
        throw new HttpStatusException(status, url);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw new IOException("HTTP " + status + " without a body from " + url);
      }
      BodyResponse result = new BodyResponse(call, response, start, body.byteStream());
      handedOver = true;
      return result;
    } finally {
      if (!handedOver) {
        response.close();
      }
    }
  }

  /** Returns {@code a} from {@code bytes a-b/size}. */
  static long parseContentRangeStart(String header, String url) throws IOException {
    if (header == null || !header.startsWith("bytes ")) {
      throw new IOException("206 without a valid Content-Range from " + url + ": " + header);
    }
    int dash = header.indexOf('-', 6);
    if (dash < 0) {
      throw new IOException("206 without a valid Content-Range from " + url + ": " + header);
    }
    try {
      long start = Long.parseLong(header.substring(6, dash).trim());
      if (start < 0) {
        throw new IOException("negative Content-Range start from " + url + ": " + header);
      }
      return start;
    } catch (NumberFormatException e) {
      throw new IOException("206 without a valid Content-Range from " + url + ": " + header, e);
    }
  }

  private static final class BodyResponse implements DownloadTransport.Response {
    private final okhttp3.Call call;
    private final okhttp3.Response response;
    private final long start;
    private final InputStream body;

    BodyResponse(okhttp3.Call call, okhttp3.Response response, long start, InputStream body) {
      this.call = call;
      this.response = response;
      this.start = start;
      this.body = body;
    }

    @Override
    public long startOffsetBytes() {
      return start;
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public void cancel() {
      // Call.cancel() is thread-safe; closing the body from a second thread is not.
      call.cancel();
    }

    @Override
    public void close() {
      response.close();
    }
  }
}
