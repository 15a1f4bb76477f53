package dev.tonearm.drm;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;

/**
 * {@link ByteSource} that decrypts an AES-256-CTR object read from another source, so decoders read
 * plaintext while the source below (for example the chunk layer that verifies ciphertext digests)
 * handles ciphertext.
 *
 * <p>Positions, length and seeking are those of the ciphertext source; CTR keeps them equal to the
 * plaintext's. Each read fills a reused ciphertext buffer from the source and decrypts it into the
 * caller's buffer. Closing closes the source. Not thread-safe: one reader at a time.
 */
public final class DecryptingByteSource implements ByteSource {
  /** Default size of the reused ciphertext buffer. */
  public static final int DEFAULT_BUFFER_SIZE_BYTES = 64 * 1024;

  private final ByteSource ciphertext;
  private final CtrDecryptor decryptor;
  private final byte[] buffer;

  public DecryptingByteSource(ByteSource ciphertext, CtrDecryptor decryptor) {
    this(ciphertext, decryptor, DEFAULT_BUFFER_SIZE_BYTES);
  }

  /** Like the two-argument constructor with a ciphertext buffer of {@code bufferSizeBytes}. */
  public DecryptingByteSource(ByteSource ciphertext, CtrDecryptor decryptor, int bufferSizeBytes) {
    if (bufferSizeBytes <= 0) {
      throw new IllegalArgumentException("bufferSizeBytes must be > 0: " + bufferSizeBytes);
    }
    this.ciphertext = ciphertext;
    this.decryptor = decryptor;
    this.buffer = new byte[bufferSizeBytes];
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || length > target.length - offset) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", buffer " + target.length);
    }
    if (length == 0) {
      return 0;
    }
    long objectOffset = ciphertext.position();
    int read = ciphertext.read(buffer, 0, Math.min(length, buffer.length));
    if (read <= 0) {
      return read;
    }
    decryptor.decrypt(objectOffset, buffer, 0, read, target, offset);
    return read;
  }

  @Override
  public long position() {
    return ciphertext.position();
  }

  @Override
  public long length() {
    return ciphertext.length();
  }

  @Override
  public boolean isSeekable() {
    return ciphertext.isSeekable();
  }

  @Override
  public void seek(long position) throws IOException {
    ciphertext.seek(position);
  }

  @Override
  public void close() throws IOException {
    ciphertext.close();
  }

  @Override
  public String toString() {
    return "DecryptingByteSource{" + ciphertext + "}";
  }
}
