package dev.tonearm.server.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes synthetic 16-bit PCM WAV files for ingest tests. */
final class TestAudio {
  /** Sample value in [-1, 1] of one channel at one frame. */
  interface Signal {
    double sample(long frame, int channel);
  }

  private TestAudio() {}

  /** Returns a sine of {@code frequencyHz} at {@code amplitude} in every channel. */
  static Signal sine(long rateHz, double frequencyHz, double amplitude) {
    return (frame, channel) -> amplitude * Math.sin(2 * Math.PI * frequencyHz * frame / rateHz);
  }

  /** Writes a 16-bit WAV file of {@code frames} frames. */
  static Path writeWav(Path file, long rateHz, int channels, long frames, Signal signal)
      throws IOException {
    long dataBytes = frames * channels * 2;
    ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    header.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    header.putInt((int) (36 + dataBytes));
    header.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    header.putInt(16).putShort((short) 1).putShort((short) channels).putInt((int) rateHz);
    header.putInt((int) (rateHz * channels * 2)).putShort((short) (channels * 2)).putShort((short) 16);
    header.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header.array());
      ByteBuffer block = ByteBuffer.allocate(4096 * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (long frame = 0; frame < frames; frame++) {
        for (int channel = 0; channel < channels; channel++) {
          double value = Math.max(-1, Math.min(1, signal.sample(frame, channel)));
          block.putShort((short) Math.max(-32768, Math.min(32767, Math.round(value * 32767))));
        }
        if (!block.hasRemaining()) {
          out.write(block.array(), 0, block.position());
          block.clear();
        }
      }
      out.write(block.array(), 0, block.position());
    }
    return file;
  }
}
