package dev.tonearm.server.ingest;

import dev.tonearm.core.audio.LoudnessMeter;
import dev.tonearm.server.catalog.Loudness;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a PCM WAV file block by block and measures its length, loudness (the SDK's ITU-R BS.1770-4
 * {@link LoudnessMeter}, the same meter the player's tests verify against EBU Tech 3341) and
 * clipping. Memory use is one block, whatever the file length. Stateless and thread-safe.
 */
public final class PcmAnalyzer {
  /** Consecutive full-scale samples in one channel that count as one clipped run. */
  public static final int CLIP_RUN_SAMPLES = 3;

  private static final int BLOCK_FRAMES = 4096;

  /** Integrated loudness reported for silence, where BS.1770 gating leaves no block: -70 LUFS. */
  static final double SILENCE_LUFS = -70.0;

  /** True peak reported for digital silence: -120 dBTP. */
  static final double SILENCE_DBTP = -120.0;

  /** Analyzes {@code wav}, which must have at most {@link IngestLimits#MAX_CHANNELS} channels. */
  public PcmAnalysis analyze(Path wav) throws IOException, IngestException {
    WavProbe.WavLayout layout = WavProbe.readLayout(wav);
    ProbeResult format = layout.probe();
    int channels = format.channels();
    int bits = format.bitsPerSample();
    int bytesPerSample = bits / 8;
    double fullScale = layout.floatSamples() ? 1.0 : (Math.pow(2, bits - 1) - 1) / Math.pow(2, bits - 1);

    LoudnessMeter meter = LoudnessMeter.builder(format.sampleRateHz(), channels).build();
    int[] runLengths = new int[channels];
    long clippedRuns = 0;
    long frames = 0;
    byte[] raw = new byte[BLOCK_FRAMES * layout.blockAlign()];
    double[] samples = new double[BLOCK_FRAMES * channels];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(wav), 1 << 16)) {
      in.skipNBytes(layout.dataOffset());
      long remaining = layout.dataBytes();
      while (remaining >= layout.blockAlign()) {
        int want = (int) Math.min(raw.length, remaining - remaining % layout.blockAlign());
        int read = in.readNBytes(raw, 0, want);
        int blockFrames = read / layout.blockAlign();
        if (blockFrames == 0) {
          break;
        }
        for (int i = 0; i < blockFrames * channels; i++) {
          double sample = decodeSample(raw, i * bytesPerSample, bits, layout.floatSamples());
          samples[i] = sample;
          int channel = i % channels;
          if (Math.abs(sample) >= fullScale) {
            if (++runLengths[channel] == CLIP_RUN_SAMPLES) {
              clippedRuns++;
            }
          } else {
            runLengths[channel] = 0;
          }
        }

        meter.addSamples(samples, blockFrames);
        frames += blockFrames;
        remaining -= (long) blockFrames * layout.blockAlign();
        if (read < want) {
          break;
        }
      }
    }
    return new PcmAnalysis(
        format.sampleRateHz(), channels, frames, loudnessOf(meter), clippedRuns);
  }

  private static Loudness loudnessOf(LoudnessMeter meter) {
    double integrated = meter.integratedLufs();
    double truePeak = meter.truePeakDbtp();
    return new Loudness(
        roundToTenth(Double.isFinite(integrated) ? Math.max(integrated, SILENCE_LUFS) : SILENCE_LUFS),
        roundToTenth(Double.isFinite(truePeak) ? Math.max(truePeak, SILENCE_DBTP) : SILENCE_DBTP));
  }

  /** Rounds to 0.1 dB, the precision that the manifest documents. */
  private static double roundToTenth(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  private static double decodeSample(byte[] raw, int offset, int bits, boolean floatSamples) {
    switch (bits) {
      case 8:
        return ((raw[offset] & 0xFF) - 128) / 128.0;
      case 16:
        return (short) ((raw[offset] & 0xFF) | raw[offset + 1] << 8) / 32768.0;
      case 24:
        return ((raw[offset] & 0xFF) | (raw[offset + 1] & 0xFF) << 8 | raw[offset + 2] << 16)
            / 8388608.0;
      default:
        int value = OggPageReader.littleEndianInt(raw, offset);
        return floatSamples ? Float.intBitsToFloat(value) : value / 2147483648.0;
    }
  }
}
