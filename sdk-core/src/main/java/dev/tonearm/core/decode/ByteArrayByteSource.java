package dev.tonearm.core.decode;

import java.io.IOException;
import java.util.Objects;

/**
 * A seekable {@link ByteSource} over bytes already in memory, such as a short asset bundled with
 * an app or an object that was downloaded and verified as a whole.
 *
 * <p>The source reads the caller's array without copying it; the caller must not change the
 * bytes while a decoder reads them. One thread at a time reads it, like every source. Closing it
 * only marks it closed: later reads and seeks fail with an {@link IOException}, and {@link
 * #isClosed()} may be asked from any thread.
 */
public final class ByteArrayByteSource implements ByteSource {
  private final byte[] bytes;
  private final int start;
  private final int end;
  private int position;
  private volatile boolean closed;

  /** Creates a source over the whole of {@code bytes}. */
  public ByteArrayByteSource(byte[] bytes) {
    this(bytes, 0, Objects.requireNonNull(bytes, "bytes").length);
  }

  /**
   * Creates a source over {@code length} bytes of {@code bytes} from {@code offset}. Positions count from
   * {@code offset}, so the first byte of the range is position 0.
   *
   * @throws IndexOutOfBoundsException if the range does not lie inside the array
   */
  public ByteArrayByteSource(byte[] bytes, int offset, int length) {
    Objects.requireNonNull(bytes, "bytes");
    if (offset < 0 || length < 0 || length > bytes.length - offset) {
      throw new IndexOutOfBoundsException(
          "invalid range: offset " + offset + ", length " + length + " in an array of "
              + bytes.length + " bytes");
    }
    this.bytes = bytes;
    this.start = offset;
    this.end = offset + length;
    this.position = offset;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    ensureOpen();
    if (offset < 0 || length < 0 || length > buffer.length - offset) {
      throw new IndexOutOfBoundsException(
          "invalid buffer range: offset " + offset + ", length " + length + " in a buffer of "
              + buffer.length + " bytes");
    }
    if (length == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int count = Math.min(length, end - position);
    System.arraycopy(bytes, position, buffer, offset, count);
    position += count;
    return count;
  }

  @Override
  public long position() {
    return position - start;
  }

  @Override
  public long length() {
    return end - start;
  }

  @Override
  public boolean isSeekable() {
    return true;
  }

  @Override
  public void seek(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0 || newPosition > end - start) {
      throw new IOException(
          "invalid seek position " + newPosition + ": the source has " + (end - start) + " bytes");
    }
    position = start + (int) newPosition;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Returns whether {@link #close()} has been called. Any thread may call it. */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("read or seek on a closed source");
    }
  }
}
