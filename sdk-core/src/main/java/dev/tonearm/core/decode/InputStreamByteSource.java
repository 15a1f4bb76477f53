package dev.tonearm.core.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A non-seekable {@link ByteSource} over an {@link InputStream}, such as a network response body.
 *
 * <p>The source does not buffer: decoders read in blocks of their own. {@link #length()} is always
 * -1, and {@link #seek(long)} always throws. Closing the source closes the stream.
 *
 * <p>Threading: one thread at a time, like every {@link ByteSource}.
 */
public final class InputStreamByteSource implements ByteSource {
  private final InputStream input;
  private long position;

  /** Wraps {@code input}; the source takes ownership and closes it in {@link #close()}. */
  public InputStreamByteSource(InputStream input) {
    this.input = Objects.requireNonNull(input, "input");
  }

  @Override
  public int read(byte[] destination, int offset, int length) throws IOException {
    FileByteSource.checkRange(destination, offset, length);
    if (length == 0) {
      return 0;
    }
    int count = input.read(destination, offset, length);
    if (count > 0) {
      position += count;
    }
    return count < 0 ? -1 : count;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long length() {
    return -1;
  }

  @Override
  public boolean isSeekable() {
    return false;
  }

  @Override
  public void seek(long position) throws IOException {
    throw new IOException("source over an InputStream cannot seek (requested " + position + ")");
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
