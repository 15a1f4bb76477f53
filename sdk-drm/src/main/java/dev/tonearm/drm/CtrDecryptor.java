package dev.tonearm.drm;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-CTR decryption of one object with random access by byte offset.
 *
 * <p>Block {@code i} of the object (bytes {@code 16i} to {@code 16i+15}) uses the counter {@code
 * (iv + i) mod 2^128}, big-endian, as the JDK's and Android's {@code AES/CTR/NoPadding} increment
 * it. A call at an offset other than where the previous call ended re-initialises the cipher at the
 * block that contains the offset. It then discards the key stream before the offset within that
 * block, so a seek costs one cipher initialisation, not a decryption from the start.
 *
 * <p>Data goes to {@link Cipher#update(byte[], int, int, byte[], int)} in chunks of {@link
 * #chunkSizeBytes()}, straight into the caller's buffer, with no allocation per call. On OpenJDK 17
 * chunks of up to 256 KiB decrypt more than ten times faster than one update over megabytes; the
 * {@code DecryptBenchmark} in the benchmarks module measures this, and docs/drm.md lists figures.
 *
 * <p>Not thread-safe: one reader at a time, like the {@code ByteSource} it serves.
 */
public final class CtrDecryptor {
  /** Default number of bytes per {@link Cipher#update} call. */
  public static final int DEFAULT_CHUNK_SIZE_BYTES = 16 * 1024;

  /** Length of the initial counter block in bytes. */
  public static final int IV_LENGTH_BYTES = 16;

  private static final int BLOCK_SIZE_BYTES = 16;

  private final SecretKeySpec key;
  private final byte[] iv;
  private final int chunkSizeBytes;
  private final Cipher cipher;
  private final byte[] counter = new byte[BLOCK_SIZE_BYTES];
  private final byte[] skipInput = new byte[BLOCK_SIZE_BYTES];
  private final byte[] skipOutput = new byte[BLOCK_SIZE_BYTES];
  private long nextOffset = -1;

  /**
   * Creates a decryptor for an object encrypted with {@code key} and initial counter block {@code
   * iv}.
   *
   * @throws DrmException {@code ERROR_INVALID_ENCRYPTION} if the IV is not 16 bytes
   */
  public CtrDecryptor(ContentKey key, byte[] iv) throws DrmException {
    this(key, iv, DEFAULT_CHUNK_SIZE_BYTES);
  }

  /**
   * Like {@link #CtrDecryptor(ContentKey, byte[])} with {@code chunkSizeBytes} bytes per cipher
   * update, a multiple of 16 greater than 0.
   */
  public CtrDecryptor(ContentKey key, byte[] iv, int chunkSizeBytes) throws DrmException {
    if (iv == null || iv.length != IV_LENGTH_BYTES) {
      throw new DrmException(
          DrmException.ERROR_INVALID_ENCRYPTION,
          "AES-CTR IV must be "
              + IV_LENGTH_BYTES
              + " bytes: "
              + (iv == null ? "missing" : iv.length + " bytes"));
    }
    if (chunkSizeBytes <= 0 || chunkSizeBytes % BLOCK_SIZE_BYTES != 0) {
      throw new IllegalArgumentException(
          "chunkSizeBytes must be a positive multiple of 16: " + chunkSizeBytes);
    }
    byte[] keyBytes = key.keyBytes();
    try {
      this.key = new SecretKeySpec(keyBytes, "AES");
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
    this.iv = iv.clone();
    this.chunkSizeBytes = chunkSizeBytes;
    try {
      this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is not available", e);
    }
  }

  /**
   * Parses a 32-hex-digit IV as the manifest's {@code encryption.iv} carries it.
   *
   * @throws DrmException {@code ERROR_INVALID_ENCRYPTION} if it is not 32 hex digits
   */
  public static byte[] parseIv(String hex) throws DrmException {
    byte[] iv = Hex.decode(hex);
    if (iv == null || iv.length != IV_LENGTH_BYTES) {
      throw new DrmException(
          DrmException.ERROR_INVALID_ENCRYPTION, "AES-CTR IV must be 32 hex digits: " + hex);
    }
    return iv;
  }

  /** Number of bytes per {@link Cipher#update} call. */
  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /**
   * Decrypts {@code length} bytes of ciphertext that start at byte {@code objectOffset} of the
   * object from {@code input} into {@code output}. The two ranges must not overlap.
   */
  public void decrypt(
      long objectOffset, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
      throws DrmException {
    if (objectOffset < 0) {
      throw new IllegalArgumentException("objectOffset must be >= 0: " + objectOffset);
    }
    if (length == 0) {
      return;
    }
    try {
      if (objectOffset != nextOffset) {
        seek(objectOffset);
      }
      int done = 0;
      while (done < length) {
        int take = Math.min(chunkSizeBytes, length - done);
        int produced = cipher.update(input, inputOffset + done, take, output, outputOffset + done);
        if (produced != take) {
          // CTR is a stream mode; a provider that buffers would shift every later byte.
          nextOffset = -1;
          throw new IllegalStateException(
              "AES/CTR returned " + produced + " bytes for " + take + " input bytes");
        }
        done += take;
      }
      nextOffset = objectOffset + length;
    } catch (ShortBufferException e) {
      nextOffset = -1;
      throw new IllegalArgumentException("output buffer too small for " + length + " bytes", e);
    }
  }

  private void seek(long objectOffset) throws DrmException {
    long blockIndex = objectOffset / BLOCK_SIZE_BYTES;
    int skipBytes = (int) (objectOffset % BLOCK_SIZE_BYTES);
    counterForBlock(iv, blockIndex, counter);
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter));
      if (skipBytes > 0) {
        cipher.update(skipInput, 0, skipBytes, skipOutput, 0);
      }
    } catch (GeneralSecurityException e) {
      throw new DrmException(
          DrmException.ERROR_INVALID_ENCRYPTION,
          "cannot initialise AES-CTR at byte offset " + objectOffset,
          e);
    }
  }

  /** Writes {@code (iv + blockIndex) mod 2^128}, big-endian, into {@code out}. */
  static void counterForBlock(byte[] iv, long blockIndex, byte[] out) {
    long carry = 0;
    long add = blockIndex;
    for (int i = BLOCK_SIZE_BYTES - 1; i >= 0; i--) {
      long sum = (iv[i] & 0xff) + (add & 0xff) + carry;
      out[i] = (byte) sum;
      carry = sum >>> 8;
      add >>>= 8;
    }
  }

  @Override
  public String toString() {
    return "CtrDecryptor{chunkSizeBytes=" + chunkSizeBytes + "}";
  }
}
