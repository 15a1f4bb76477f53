package dev.tonearm.drm;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Seekable {@link ByteSource} over a file, for tests. */
final class FileByteSource implements ByteSource {
  private final RandomAccessFile file;
  private final long length;

  FileByteSource(Path path) throws IOException {
    this.file = new RandomAccessFile(path.toFile(), "r");
    this.length = file.length();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    return file.read(buffer, offset, length);
  }

  @Override
  public long position() {
    try {
      return file.getFilePointer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean isSeekable() {
    return true;
  }

  @Override
  public void seek(long position) throws IOException {
    if (position < 0 || position > length) {
      throw new IOException("seek position out of range: " + position + " of " + length);
    }
    file.seek(position);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
