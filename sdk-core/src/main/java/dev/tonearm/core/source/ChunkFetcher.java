package dev.tonearm.core.source;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.HttpErrors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Fetches one byte range of an object with an HTTP range request and checks that the response is
 * exactly that range, within a time limit for the whole request. Thread-safe.
 */
final class ChunkFetcher {
  private final OkHttpClient client;

  ChunkFetcher(OkHttpClient client) {
    this.client = client;
  }

  /**
   * Returns bytes {@code [start, start + length)} of the object at {@code url}, whose total size
   * is {@code objectSizeBytes}.
   *
   * @param timeoutMs time limit for connecting, sending and receiving the whole body
   * @throws PlaybackException with the HTTP reason for an error status, {@link
   *     PlaybackException#ERROR_BAD_RESPONSE} when the response is not the requested range,
   *     {@link PlaybackException#ERROR_NETWORK} for a transport failure or short body, {@link
   *     PlaybackException#ERROR_TIMEOUT} when the body is not complete within {@code timeoutMs},
   *     and {@link PlaybackException#ERROR_CANCELLED} when {@code stream} was closed during the
   *     request
   */
  byte[] fetch(
      HttpUrl url,
      long start,
      int length,
      long objectSizeBytes,
      TrackStream stream,
      long timeoutMs)
      throws PlaybackException {
    long end = start + length - 1;
    Request request =
        new Request.Builder().url(url).header("Range", "bytes=" + start + "-" + end).get().build();
    String description = HttpErrors.describe(request) + " bytes " + start + "-" + end;
    Call call = client.newCall(request);
    call.timeout().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    if (!stream.setInFlight(call)) {
      throw cancelled(description, null);
    }
    try (Response response = call.execute()) {
      int status = response.code();
      if (status == 206) {
        String expected = "bytes " + start + "-" + end + "/" + objectSizeBytes;
        String contentRange = response.header("Content-Range");
        if (contentRange == null || !contentRange.trim().equalsIgnoreCase(expected)) {
          throw badResponse(
              description, "Content-Range is " + contentRange + ", expected " + expected);
        }
      } else if (status == 200) {
        if (start != 0 || length != objectSizeBytes) {
          throw badResponse(description, "the edge ignored the Range header (HTTP 200)");
        }
      } else {
        throw HttpErrors.fromResponse(response);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw badResponse(description, "empty body");
      }
      byte[] bytes = HttpErrors.readBounded(request, body, length);
      if (bytes.length != length) {
        throw new PlaybackException(
            PlaybackException.ERROR_NETWORK,
            description + " failed: body ended after " + bytes.length + " of " + length + " bytes");
      }
      return bytes;
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      // A call timeout also cancels the call, so only a closed stream means cancellation.
      if (stream.isClosed()) {
        throw cancelled(description, e);
      }
      if (call.isCanceled() || e instanceof InterruptedIOException) {
        throw new PlaybackException(
            PlaybackException.ERROR_TIMEOUT,
            description + " timed out: no complete body within " + timeoutMs + " ms",
            e);
      }
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, description + " failed: " + e, e);
    } finally {
      stream.setInFlight(null);
    }
  }

  private static PlaybackException badResponse(String description, String detail) {
    return new PlaybackException(
        PlaybackException.ERROR_BAD_RESPONSE, description + " failed: " + detail);
  }

  private static PlaybackException cancelled(String description, Throwable cause) {
    return new PlaybackException(
        PlaybackException.ERROR_CANCELLED, description + " cancelled: stream closed", cause);
  }
}
