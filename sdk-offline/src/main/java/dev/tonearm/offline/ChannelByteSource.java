package dev.tonearm.offline;

import dev.tonearm.core.decode.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * {@link ByteSource} over a {@link SeekableByteChannel} of known length, such as a downloaded
 * object. Closing it closes the channel. Not thread-safe: one reader at a time.
 */
final class ChannelByteSource implements ByteSource {
  private final SeekableByteChannel channel;
  private final long lengthBytes;
  private long position;

  ChannelByteSource(SeekableByteChannel channel) throws IOException {
    this.channel = channel;
    this.lengthBytes = channel.size();
    this.position = channel.position();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || length > buffer.length - offset) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", buffer " + buffer.length);
    }
    if (length == 0) {
      return 0;
    }
    if (position >= lengthBytes) {
      return -1;
    }
    ByteBuffer target = ByteBuffer.wrap(buffer, offset, length);
    int count = 0;
    while (count == 0) {
      count = channel.read(target);
      if (count < 0) {
        throw new EOFException(
            "object ended at " + position + " of " + lengthBytes + " bytes while reading");
      }
    }
    position += count;
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
  public void seek(long target) throws IOException {
    if (target < 0 || target > lengthBytes) {
      throw new IOException("seek position " + target + " is outside 0.." + lengthBytes);
    }
    channel.position(target);
    position = target;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
