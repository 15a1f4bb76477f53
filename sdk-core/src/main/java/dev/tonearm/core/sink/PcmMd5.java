package dev.tonearm.core.sink;

import dev.tonearm.core.decode.PcmBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MD5 of decoded PCM in the layout that FLAC's STREAMINFO MD5 covers: interleaved signed
 * little-endian samples, each sign-extended to {@code ceil(bits / 8)} bytes and not shifted. For a
 * correctly decoded FLAC stream the result equals the STREAMINFO MD5.
 *
 * <p>Not thread-safe.
 */
public final class PcmMd5 {
  private static final int CHUNK_SAMPLES = 4096;

  private final MessageDigest digest;
  private final byte[] bytes = new byte[CHUNK_SAMPLES * 4];
  private long samples;

  public PcmMd5() {
    try {
      digest = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      // Every Java and Android runtime must provide MD5.
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** Adds {@code sampleCount} samples (frames times channels) of {@code bitsPerSample} bits. */
  public void update(int[] interleaved, int sampleCount, int bitsPerSample) {
    if (sampleCount < 0 || sampleCount > interleaved.length) {
      throw new IllegalArgumentException(
          "sampleCount must be in [0, " + interleaved.length + "]: " + sampleCount);
    }
    int done = 0;
    while (done < sampleCount) {
      int count = Math.min(CHUNK_SAMPLES, sampleCount - done);
      int length =
          PcmPacking.pack(
              interleaved,
              done,
              count,
              bitsPerSample,
              PcmPacking.Layout.SIGNED_RIGHT_JUSTIFIED,
              bytes,
              0);
      digest.update(bytes, 0, length);
      done += count;
    }
    samples += sampleCount;
  }

  /** Adds the frames of a decoded block at its format's bit depth. */
  public void update(PcmBuffer buffer) {
    update(buffer.samples, buffer.frames * buffer.format.channels(), buffer.format.bitsPerSample());
  }

  /** Samples added since creation or the last digest. */
  public long sampleCount() {
    return samples;
  }

  /** Returns the 16-byte digest and starts over. */
  public byte[] digest() {
    samples = 0;
    return digest.digest();
  }

  /** Returns the digest as 32 lower-case hex digits, as metaflac prints it, and starts over. */
  public String hexDigest() {
    byte[] value = digest();
    StringBuilder hex = new StringBuilder(32);
    for (byte b : value) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16));
      hex.append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }
}
