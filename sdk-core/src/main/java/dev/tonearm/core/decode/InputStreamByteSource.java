package dev.tonearm.core.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A forward-only {@link ByteSource} over an {@link InputStream}; it cannot seek and its length is
 * unknown.
 *
 * <p>Threading: one thread at a time, like every {@link ByteSource}.
 */
public final class InputStreamByteSource implements ByteSource {
  private final InputStream in;
  private long position;

  /** Wraps {@code in}; closing this source closes the stream. */
  public InputStreamByteSource(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int count;
    do {
      count = in.read(buffer, offset, length);
    } while (count == 0);
    if (count > 0) {
      position += count;
    }
    return count;
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
    throw new IOException("InputStreamByteSource cannot seek");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
