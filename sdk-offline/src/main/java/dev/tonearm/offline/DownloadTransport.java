package dev.tonearm.offline;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fetches object bytes over HTTP with range requests. {@link OkHttpDownloadTransport} is the
 * default; the app may back it with its own authenticated client.
 *
 * <p>Implementations must be thread-safe: several downloads call {@link #open} at once.
 */
@FunctionalInterface
public interface DownloadTransport {
  /**
   * Requests {@code url} from {@code offsetBytes} to the end ({@code Range: bytes=offset-} when the
   * offset is above zero).
   *
   * @return the response, whose body starts at {@link Response#startOffsetBytes()}: the requested
   *     offset for a 206 response, or 0 when the server ignored the range
   * @throws HttpStatusException for any status other than 200 or 206
   * @throws IOException when the connection fails
   */
  Response open(String url, long offsetBytes) throws IOException;

  /**
   * An open response body. The reading thread closes it to release the connection; another thread
   * stops a read in progress with {@link #cancel()}.
   */
  interface Response extends Closeable {
    /** Returns the byte offset in the object of the body's first byte. */
    long startOffsetBytes();

    InputStream body();

    /**
     * Aborts the exchange from any thread: a blocked or later read of {@link #body()} throws {@link
     * IOException}. The reading thread still closes the response.
     */
    void cancel();
  }
}
