package dev.tonearm.drm;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;

/** Seekable {@link ByteSource} over an array, for reference decodes in tests. */
final class ByteArraySource implements ByteSource {
  private final byte[] bytes;
  private int position;

  ByteArraySource(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (position >= bytes.length) {
      return -1;
    }
    int count = Math.min(length, bytes.length - position);
    System.arraycopy(bytes, position, buffer, offset, count);
    position += count;
    return count;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long length() {
    return bytes.length;
  }

  @Override
  public boolean isSeekable() {
    return true;
  }

  @Override
  public void seek(long newPosition) throws IOException {
    if (newPosition < 0 || newPosition > bytes.length) {
      throw new IOException("position " + newPosition + " is outside [0, " + bytes.length + "]");
    }
    position = (int) newPosition;
  }

  @Override
  public void close() {}
}
