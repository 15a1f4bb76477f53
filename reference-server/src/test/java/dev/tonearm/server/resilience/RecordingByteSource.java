package dev.tonearm.server.resilience;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;

/**
 * Wraps the byte source that a decryption stage reads and records, for every object position, the
 * byte that was handed to it, so that a test can prove that only verified bytes reached decryption
 * and, through it, decoding. Thread contract: one reading thread, as {@link ByteSource} requires;
 * the checks run after the reader is done.
 */
final class RecordingByteSource implements ByteSource {
  private final ByteSource delegate;
  private final byte[] seen;
  private final boolean[] wasRead;
  private long bytesRead;

  RecordingByteSource(ByteSource delegate, int objectSizeBytes) {
    this.delegate = delegate;
    this.seen = new byte[objectSizeBytes];
    this.wasRead = new boolean[objectSizeBytes];
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    long position = delegate.position();
    int count = delegate.read(buffer, offset, length);
    for (int i = 0; i < count; i++) {
      int at = (int) (position + i);
      if (wasRead[at] && seen[at] != buffer[offset + i]) {
        throw new AssertionError("byte " + at + " read twice with different values");
      }
      seen[at] = buffer[offset + i];
      wasRead[at] = true;
    }
    if (count > 0) {
      bytesRead += count;
    }
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

  /** Bytes handed to the reader, counting repeated reads of a position. */
  long bytesRead() {
    return bytesRead;
  }

  /** Returns the first position whose byte differs from {@code expected}, or -1. */
  long firstMismatch(byte[] expected) {
    if (expected.length != seen.length) {
      throw new IllegalArgumentException(
          "object has " + expected.length + " bytes, recorded " + seen.length);
    }
    for (int i = 0; i < seen.length; i++) {
      if (wasRead[i] && seen[i] != expected[i]) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    int count = 0;
    for (boolean read : wasRead) {
      count += read ? 1 : 0;
    }
    return "RecordingByteSource{" + count + " of " + seen.length + " positions read}";
  }
}
