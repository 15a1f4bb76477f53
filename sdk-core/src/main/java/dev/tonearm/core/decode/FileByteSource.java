package dev.tonearm.core.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A seekable {@link ByteSource} over a local file.
 *
 * <p>Threading: one thread at a time, like every {@link ByteSource}.
 */
public final class FileByteSource implements ByteSource {
  private final FileChannel channel;
  private final long lengthBytes;
  private long position;

  /** Opens {@code path} for reading. */
  public FileByteSource(Path path) throws IOException {
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.lengthBytes = channel.size();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position >= lengthBytes) {
      return -1;
    }
    int count = channel.read(ByteBuffer.wrap(buffer, offset, length), position);
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
    return lengthBytes;
  }

  @Override
  public boolean isSeekable() {
    return true;
  }

  @Override
  public void seek(long position) throws IOException {
    if (position < 0 || position > lengthBytes) {
      throw new IOException(
          "seek position must be in [0, " + lengthBytes + "]: " + position);
    }
    this.position = position;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
