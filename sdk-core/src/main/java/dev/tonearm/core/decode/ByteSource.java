package dev.tonearm.core.decode;

import java.io.Closeable;
import java.io.IOException;

/**
 * Encoded bytes that a {@link Decoder} reads: a file, a network stream or a verified chunk buffer.
 *
 * <p>A source is read by one thread at a time. Seeking is optional: sources that cannot seek
 * return {@code false} from {@link #isSeekable()}, and decoders over them refuse to seek.
 */
public interface ByteSource extends Closeable {
  /**
   * Reads up to {@code length} bytes into {@code buffer}; blocks until at least one byte is
   * available.
   *
   * @return the number of bytes read, or -1 at the end of the source
   */
  int read(byte[] buffer, int offset, int length) throws IOException;

  /** Byte offset of the next byte that {@link #read} returns. */
  long position();

  /** Total length in bytes, or -1 when unknown. */
  long length();

  /** Whether {@link #seek(long)} is supported. */
  boolean isSeekable();

  /**
   * Moves the read position to {@code position}.
   *
   * @throws IOException if the source cannot seek or the position is outside the source
   */
  void seek(long position) throws IOException;
}
