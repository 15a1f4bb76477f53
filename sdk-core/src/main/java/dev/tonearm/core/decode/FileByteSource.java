package dev.tonearm.core.decode;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A seekable {@link ByteSource} over a local file, read through a small buffer.
 *
 * <p>Reads of at least {@link #BUFFER_BYTES} go straight to the file; smaller reads are served from
 * the buffer, so callers that read a few bytes at a time make one system call per buffer. {@link
 * #length()} queries the file each time, so a file that grows while it is read (a download in
 * progress) reports its current length.
 *
 * <p>Threading: one thread at a time, like every {@link ByteSource}.
 */
public final class FileByteSource implements ByteSource {
  /** Size of the read buffer. */
  public static final int BUFFER_BYTES = 8192;

  private final RandomAccessFile file;
  private final FileChannel channel;
  private final byte[] buffer = new byte[BUFFER_BYTES];

  /** File offset of {@code buffer[0]}. */
  private long bufferStart;

  /** Valid bytes in {@link #buffer}. */
  private int bufferLength;

  /** Index in {@link #buffer} of the next byte to return. */
  private int bufferPosition;

  private boolean closed;

  /**
   * Opens {@code path} for reading.
   *
   * @throws IOException if the file does not exist or cannot be read
   */
  public FileByteSource(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    this.file = new RandomAccessFile(path.toFile(), "r");
    this.channel = file.getChannel();
  }

  @Override
  public int read(byte[] destination, int offset, int length) throws IOException {
    checkRange(destination, offset, length);
    ensureOpen();
    if (length == 0) {
      return 0;
    }
    int buffered = bufferLength - bufferPosition;
    if (buffered > 0) {
      int count = Math.min(buffered, length);
      System.arraycopy(buffer, bufferPosition, destination, offset, count);
      bufferPosition += count;
      return count;
    }

    long filePosition = bufferStart + bufferLength;
    if (length >= BUFFER_BYTES) {
      // The channel copies through a cached direct buffer; RandomAccessFile.read would allocate
      // a native buffer of this size on every call.
      int count = channel.read(ByteBuffer.wrap(destination, offset, length));
      if (count > 0) {
        bufferStart = filePosition + count;
        bufferLength = 0;
        bufferPosition = 0;
      }
      return count;
    }

    int count = file.read(buffer, 0, BUFFER_BYTES);
    if (count <= 0) {
      return -1;
    }
    bufferStart = filePosition;
    bufferLength = count;
    int copied = Math.min(count, length);
    System.arraycopy(buffer, 0, destination, offset, copied);
    bufferPosition = copied;
    return copied;
  }

  @Override
  public long position() {
    return bufferStart + bufferPosition;
  }

  @Override
  public long length() {
    try {
      return file.length();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public boolean isSeekable() {
    return true;
  }

  @Override
  public void seek(long position) throws IOException {
    ensureOpen();
    long length = file.length();
    if (position < 0 || position > length) {
      throw new EOFException("seek position must be in [0, " + length + "]: " + position);
    }
    if (position >= bufferStart && position <= bufferStart + bufferLength) {
      bufferPosition = (int) (position - bufferStart);
      return;
    }
    file.seek(position);
    bufferStart = position;
    bufferLength = 0;
    bufferPosition = 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    file.close();
  }

  /** Checks a read request; shared with {@link InputStreamByteSource}. */
  static void checkRange(byte[] destination, int offset, int length) {
    if (offset < 0 || length < 0 || length > destination.length - offset) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + " and length " + length + " outside array of " + destination.length);
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("source is closed");
    }
  }
}
