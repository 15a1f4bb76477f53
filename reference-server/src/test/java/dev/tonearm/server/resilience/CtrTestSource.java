package dev.tonearm.server.resilience;

import dev.tonearm.core.decode.ByteSource;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The plaintext of an AES-256-CTR object read through its ciphertext source, at any byte offset:
 * block {@code i} uses counter {@code (iv + i) mod 2^128}, as the reference server encrypts. A test
 * stand-in for the SDK's licence-based decryption stage, which needs the DRM module that depends on
 * this one. Thread contract: one reading thread, as {@link ByteSource} requires.
 */
public final class CtrTestSource implements ByteSource {
  private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);

  private final ByteSource ciphertext;
  private final SecretKeySpec key;
  private final BigInteger iv;

  public CtrTestSource(ByteSource ciphertext, byte[] keyBytes, byte[] iv) {
    this.ciphertext = ciphertext;
    this.key = new SecretKeySpec(keyBytes, "AES");
    this.iv = new BigInteger(1, iv);
  }

  /** Decrypts {@code bytes}, which start at object offset {@code position}, in place. */
  static void decrypt(
      byte[] keyBytes, byte[] iv, long position, byte[] bytes, int offset, int length)
      throws IOException {
    try {
      BigInteger counter =
          new BigInteger(1, iv).add(BigInteger.valueOf(position / 16)).mod(TWO_TO_128);
      byte[] block = counter.toByteArray();
      byte[] counterBlock = new byte[16];
      int copy = Math.min(16, block.length);
      System.arraycopy(block, block.length - copy, counterBlock, 16 - copy, copy);
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(keyBytes, "AES"),
          new IvParameterSpec(counterBlock));
      int skip = (int) (position % 16);
      if (skip > 0) {
        cipher.update(new byte[skip]);
      }
      byte[] plain = cipher.update(bytes, offset, length);
      System.arraycopy(plain, 0, bytes, offset, length);
    } catch (GeneralSecurityException e) {
      throw new IOException("AES-CTR decryption failed", e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    long position = ciphertext.position();
    int count = ciphertext.read(buffer, offset, length);
    if (count > 0) {
      decrypt(key.getEncoded(), toBytes(iv), position, buffer, offset, count);
    }
    return count;
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

  private static byte[] toBytes(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[16];
    int copy = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - copy, out, 16 - copy, copy);
    return out;
  }
}
