package dev.tonearm.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A generated 16-bit PCM WAV file whose samples are a hash of the frame index and a seed, so that
 * a dropped, repeated or misplaced block shows up as a sample mismatch. Immutable.
 */
public final class WavTrack {
  /** Bytes of the canonical 44-byte RIFF/WAVE header that this class writes. */
  public static final int HEADER_BYTES = 44;

  private final int seed;
  private final int sampleRateHz;
  private final int channels;
  private final long frames;
  private final byte[] bytes;

  private WavTrack(int seed, int sampleRateHz, int channels, long frames) {
    this.seed = seed;
    this.sampleRateHz = sampleRateHz;
    this.channels = channels;
    this.frames = frames;
    this.bytes = encode();
  }

  /** Creates a track of {@code durationMs} at {@code sampleRateHz} with {@code channels}. */
  public static WavTrack generate(int seed, int sampleRateHz, int channels, long durationMs) {
    return new WavTrack(seed, sampleRateHz, channels, durationMs * sampleRateHz / 1000);
  }

  /** Returns the sample of {@code channel} in {@code frame}. */
  public int sample(long frame, int channel) {
    long mixed = (frame * 2654435761L + channel * 40503L + seed * 977L) * 0x9E3779B97F4A7C15L;
    return (short) (mixed >>> 48);
  }

  /** Returns all samples, interleaved. */
  public int[] samples() {
    int[] samples = new int[(int) (frames * channels)];
    for (long frame = 0; frame < frames; frame++) {
      for (int channel = 0; channel < channels; channel++) {
        samples[(int) (frame * channels + channel)] = sample(frame, channel);
      }
    }
    return samples;
  }

  /** Returns the complete file. The array is shared, so callers must not modify it. */
  public byte[] bytes() {
    return bytes;
  }

  public long frames() {
    return frames;
  }

  public int sampleRateHz() {
    return sampleRateHz;
  }

  public int channels() {
    return channels;
  }

  public long durationMs() {
    return frames * 1000 / sampleRateHz;
  }

  /** Byte offset of {@code frame} in the file. */
  public long byteOffsetOf(long frame) {
    return HEADER_BYTES + frame * 2 * channels;
  }

  private byte[] encode() {
    int dataBytes = (int) (frames * channels * 2);
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + dataBytes);
    out.put(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '}).putInt(16);
    out.putShort((short) 1).putShort((short) channels).putInt(sampleRateHz);
    out.putInt(sampleRateHz * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
    out.put(new byte[] {'d', 'a', 't', 'a'}).putInt(dataBytes);
    for (long frame = 0; frame < frames; frame++) {
      for (int channel = 0; channel < channels; channel++) {
        out.putShort((short) sample(frame, channel));
      }
    }
    return out.array();
  }
}
