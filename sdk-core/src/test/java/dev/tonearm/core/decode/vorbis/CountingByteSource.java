package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;

/** Wraps a source and records the furthest byte read, to check that decoding streams. */
final class CountingByteSource implements ByteSource {
  private final ByteSource delegate;
  long maxPositionRead;

  CountingByteSource(ByteSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int count = delegate.read(buffer, offset, length);
    maxPositionRead = Math.max(maxPositionRead, delegate.position());
    return count;
  }

  @Override
  public long position() {
    return delegate.position();
  }

  @Override
  public long length() {
    return delegate.length();
  }

  @Override
  public boolean isSeekable() {
    return delegate.isSeekable();
  }

  @Override
  public void seek(long position) throws IOException {
    delegate.seek(position);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
