package dev.tonearm.core.decode.flac;

import java.util.Arrays;

/**
 * The STREAMINFO metadata block of a FLAC stream (RFC 9639, section 8.2), as stored. Immutable.
 *
 * <p>Values are reported as the encoder wrote them; a damaged or careless encoder can write values
 * that disagree with the frames (a maximum block size below the real one, a wrong total), and
 * {@link FlacDecoder} decodes the frames as they are.
 */
public final class FlacStreamInfo {
  /** Length of the block body in bytes. */
  static final int LENGTH_BYTES = 34;

  private final int minBlockSize;
  private final int maxBlockSize;
  private final int minFrameSizeBytes;
  private final int maxFrameSizeBytes;
  private final int sampleRateHz;
  private final int channels;
  private final int bitsPerSample;
  private final long totalSamples;
  private final byte[] md5;

  private FlacStreamInfo(byte[] body) {
    minBlockSize = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    maxBlockSize = ((body[2] & 0xFF) << 8) | (body[3] & 0xFF);
    minFrameSizeBytes = ((body[4] & 0xFF) << 16) | ((body[5] & 0xFF) << 8) | (body[6] & 0xFF);
    maxFrameSizeBytes = ((body[7] & 0xFF) << 16) | ((body[8] & 0xFF) << 8) | (body[9] & 0xFF);
    sampleRateHz = ((body[10] & 0xFF) << 12) | ((body[11] & 0xFF) << 4) | ((body[12] & 0xFF) >>> 4);
    channels = ((body[12] >>> 1) & 0x7) + 1;
    bitsPerSample = (((body[12] & 1) << 4) | ((body[13] & 0xFF) >>> 4)) + 1;
    long total = body[13] & 0xF;
    for (int i = 14; i < 18; i++) {
      total = (total << 8) | (body[i] & 0xFF);
    }
    totalSamples = total;
    md5 = Arrays.copyOfRange(body, 18, 34);
  }

  /** Parses the 34-byte block body. */
  static FlacStreamInfo parse(byte[] body) {
    if (body.length != LENGTH_BYTES) {
      throw new IllegalArgumentException("STREAMINFO body must be 34 bytes: " + body.length);
    }
    return new FlacStreamInfo(body);
  }

  /** Minimum block size in samples per channel, excluding the last frame. */
  public int minBlockSize() {
    return minBlockSize;
  }

  /** Maximum block size in samples per channel. */
  public int maxBlockSize() {
    return maxBlockSize;
  }

  /** Minimum frame size in bytes, or 0 when the encoder did not record it. */
  public int minFrameSizeBytes() {
    return minFrameSizeBytes;
  }

  /** Maximum frame size in bytes, or 0 when the encoder did not record it. */
  public int maxFrameSizeBytes() {
    return maxFrameSizeBytes;
  }

  /** Sample rate in Hz; 0 means the stream contains no audio. */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** Channel count, 1 to 8. */
  public int channels() {
    return channels;
  }

  /** Bits per sample, 1 to 32 as stored (RFC 9639 allows 4 to 32). */
  public int bitsPerSample() {
    return bitsPerSample;
  }

  /** Total samples per channel (PCM frames), or 0 when unknown. */
  public long totalSamples() {
    return totalSamples;
  }

  /**
   * MD5 of the decoded PCM, interleaved, signed, little-endian, ceil(bitsPerSample / 8) bytes per
   * sample; all zero when the encoder did not compute it. Returns a copy.
   */
  public byte[] md5() {
    return md5.clone();
  }

  /** {@link #md5()} as 32 lower-case hex digits. */
  public String md5Hex() {
    StringBuilder hex = new StringBuilder(32);
    for (byte b : md5) {
      hex.append(Character.forDigit((b >>> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }

  @Override
  public String toString() {
    return "FlacStreamInfo{"
        + sampleRateHz
        + " Hz, "
        + channels
        + " ch, "
        + bitsPerSample
        + " bit, "
        + totalSamples
        + " samples, blocks "
        + minBlockSize
        + ".."
        + maxBlockSize
        + ", md5 "
        + md5Hex()
        + "}";
  }
}
