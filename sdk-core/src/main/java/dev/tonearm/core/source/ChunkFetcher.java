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
import okio.BufferedSource;

/**
 * Fetches the missing tail of one chunk with an HTTP range request, checks that the response is
 * exactly that range, and stores the body's bytes in a {@link PartialChunk} as they arrive. Two time
 * limits apply: no byte may take longer than the no-progress timeout (connecting, sending, waiting
 * for the head and each body read), and the whole request must end by its deadline. Thread-safe.
 */
final class ChunkFetcher {
  private final OkHttpClient client;

  ChunkFetcher(OkHttpClient client) {
    this.client = client;
  }

  /**
   * Requests bytes {@code [chunk.receivedBytes, chunk.bytes.length)} of {@code chunk} from the
   * object at {@code url}, whose total size is {@code objectSizeBytes}, and appends them to {@code
   * chunk}. When the request fails after a valid response head, the bytes that arrived stay in
   * {@code chunk}, except on {@link PlaybackException#ERROR_BAD_RESPONSE}, which drops the bytes of
   * this response.
   *
   * @param noProgressTimeoutMs maximum wait for any byte, from connecting to the body's end
   * @param deadlineMs time limit for the whole request
   * @throws PlaybackException with the HTTP reason for an error status, {@link
   *     PlaybackException#ERROR_BAD_RESPONSE} when the response is not the requested range,
   *     {@link PlaybackException#ERROR_NETWORK} for a transport failure or short body, {@link
   *     PlaybackException#ERROR_TIMEOUT} when either time limit passes, and {@link
   *     PlaybackException#ERROR_CANCELLED} when {@code stream} was closed during the request
   */
  void fetch(
      HttpUrl url,
      PartialChunk chunk,
      long objectSizeBytes,
      TrackStream stream,
      long noProgressTimeoutMs,
      long deadlineMs)
      throws PlaybackException {
    int resumeFrom = chunk.receivedBytes;
    int remaining = chunk.bytes.length - resumeFrom;
    long start = chunk.startBytes + resumeFrom;
    long end = chunk.startBytes + chunk.bytes.length - 1;
    Request request =
        new Request.Builder().url(url).header("Range", "bytes=" + start + "-" + end).get().build();
    String description = HttpErrors.describe(request) + " bytes " + start + "-" + end;
    OkHttpClient timedClient =
        client
            .newBuilder()
            .connectTimeout(noProgressTimeoutMs, TimeUnit.MILLISECONDS)
            .writeTimeout(noProgressTimeoutMs, TimeUnit.MILLISECONDS)
            .readTimeout(noProgressTimeoutMs, TimeUnit.MILLISECONDS)
            .build();
    Call call = timedClient.newCall(request);
    call.timeout().timeout(deadlineMs, TimeUnit.MILLISECONDS);
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
        if (start != 0 || remaining != objectSizeBytes) {
          throw badResponse(description, "the edge ignored the Range header (HTTP 200)");
        }
      } else {
        throw HttpErrors.fromResponse(response);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw badResponse(description, "empty body");
      }
      if (body.contentLength() > remaining) {
        throw badResponse(description, "response body exceeds " + remaining + " bytes");
      }
      readBody(body.source(), chunk, description);
      if (!body.source().exhausted()) {
        chunk.receivedBytes = resumeFrom;
        throw badResponse(description, "response body exceeds " + remaining + " bytes");
      }
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      // A call timeout also cancels the call, so only a closed stream means cancellation.
      if (stream.isClosed()) {
        throw cancelled(description, e);
      }
      String received =
          " (" + (chunk.receivedBytes - resumeFrom) + " of " + remaining + " bytes received)";
      if (call.isCanceled()) {
        throw new PlaybackException(
            PlaybackException.ERROR_TIMEOUT,
            description + " timed out: body not complete within " + deadlineMs + " ms" + received,
            e);
      }
      if (e instanceof InterruptedIOException) {
        throw new PlaybackException(
            PlaybackException.ERROR_TIMEOUT,
            description + " timed out: no byte for " + noProgressTimeoutMs + " ms" + received,
            e);
      }
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, description + " failed: " + e + received, e);
    } finally {
      stream.setInFlight(null);
    }
  }

  /** Reads until {@code chunk} is full. A body that ends early is {@code ERROR_NETWORK}. */
  private static void readBody(BufferedSource source, PartialChunk chunk, String description)
      throws IOException, PlaybackException {
    int resumeFrom = chunk.receivedBytes;
    while (!chunk.isComplete()) {
      int count =
          source.read(chunk.bytes, chunk.receivedBytes, chunk.bytes.length - chunk.receivedBytes);
      if (count == -1) {
        throw new PlaybackException(
            PlaybackException.ERROR_NETWORK,
            description
                + " failed: body ended after "
                + (chunk.receivedBytes - resumeFrom)
                + " of "
                + (chunk.bytes.length - resumeFrom)
                + " bytes");
      }
      chunk.receivedBytes += count;
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
