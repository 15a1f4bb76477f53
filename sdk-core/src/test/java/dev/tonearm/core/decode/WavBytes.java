package dev.tonearm.core.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF/WAVE bytes chunk by chunk, including malformed ones, for reader tests. */
final class WavBytes {
  private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
  private String riffId = "RIFF";
  private String waveId = "WAVE";

  WavBytes riffId(String id) {
    this.riffId = id;
    return this;
  }

  WavBytes waveId(String id) {
    this.waveId = id;
    return this;
  }

  /** Appends a chunk with a correct size and a pad byte when the size is odd. */
  WavBytes chunk(String id, byte[] body) {
    return chunk(id, body.length, body);
  }

  /** Appends a chunk whose size field is {@code declaredSize}, whatever the body length. */
  WavBytes chunk(String id, long declaredSize, byte[] body) {
    ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    header.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) declaredSize);
    chunks.write(header.array(), 0, 8);
    chunks.write(body, 0, body.length);
    if ((body.length & 1) != 0 && declaredSize == body.length) {
      chunks.write(0);
    }
    return this;
  }

  /** Appends a 16-byte WAVE_FORMAT_PCM (or other tag) fmt chunk. */
  WavBytes fmt(int tag, int channels, long rateHz, int blockAlign, int bits) {
    ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    fmt.putShort((short) tag).putShort((short) channels).putInt((int) rateHz);
    fmt.putInt((int) (rateHz * blockAlign)).putShort((short) blockAlign).putShort((short) bits);
    return chunk("fmt ", fmt.array());
  }

  /** Appends a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with sub-format {@code subFormat}. */
  WavBytes fmtExtensible(
      int channels, long rateHz, int containerBits, int validBits, int mask, int subFormat) {
    ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    int blockAlign = channels * containerBits / 8;
    fmt.putShort((short) 0xFFFE).putShort((short) channels).putInt((int) rateHz);
    fmt.putInt((int) (rateHz * blockAlign)).putShort((short) blockAlign);
    fmt.putShort((short) containerBits).putShort((short) 22).putShort((short) validBits);
    fmt.putInt(mask).putShort((short) subFormat);
    fmt.put(
        new byte[] {
          0x00,
          0x00,
          0x00,
          0x00,
          0x10,
          0x00,
          (byte) 0x80,
          0x00,
          0x00,
          (byte) 0xAA,
          0x00,
          0x38,
          (byte) 0x9B,
          0x71
        });
    return chunk("fmt ", fmt.array());
  }

  /** Appends 16-bit little-endian samples as a data chunk. */
  WavBytes data16(short... samples) {
    ByteBuffer data = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short sample : samples) {
      data.putShort(sample);
    }
    return chunk("data", data.array());
  }

  byte[] build() {
    byte[] body = chunks.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(riffId.getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length);
    out.put(waveId.getBytes(StandardCharsets.US_ASCII)).put(body);
    return out.array();
  }
}
