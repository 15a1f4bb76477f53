package dev.tonearm.core.audio;

/** Generates test PCM: sines made of level segments, as the EBU loudness test signals are. */
final class TestSignals {
  private TestSignals() {}

  /** One segment of a test signal: a peak level per channel in dBFS and a duration. */
  static final class Segment {
    final double[] levelsDbfs;
    final double seconds;

    private Segment(double[] levelsDbfs, double seconds) {
      this.levelsDbfs = levelsDbfs;
      this.seconds = seconds;
    }
  }

  /** Returns a segment with the same level on every channel; negative infinity is silence. */
  static Segment segment(double levelDbfs, double seconds) {
    return new Segment(new double[] {levelDbfs}, seconds);
  }

  /** Returns a segment with its own level per channel. */
  static Segment perChannel(double seconds, double... levelsDbfs) {
    return new Segment(levelsDbfs, seconds);
  }

  /**
   * Returns interleaved doubles of a sine at {@code frequencyHz} whose phase runs on across the
   * segments; each segment lasts {@code round(seconds * rate)} frames.
   */
  static double[] sine(
      double frequencyHz, long sampleRateHz, int channels, double phaseDegrees, Segment... parts) {
    int total = 0;
    for (Segment part : parts) {
      total += frames(part.seconds, sampleRateHz);
    }
    double[] out = new double[total * channels];
    double phase = Math.toRadians(phaseDegrees);
    int frame = 0;
    for (Segment part : parts) {
      int length = frames(part.seconds, sampleRateHz);
      for (int i = 0; i < length; i++, frame++) {
        double value = Math.sin(2.0 * Math.PI * frequencyHz * frame / sampleRateHz + phase);
        for (int c = 0; c < channels; c++) {
          double level = part.levelsDbfs[Math.min(c, part.levelsDbfs.length - 1)];
          double amplitude = level == Double.NEGATIVE_INFINITY ? 0.0 : Math.pow(10, level / 20);
          out[frame * channels + c] = amplitude * value;
        }
      }
    }
    return out;
  }

  /** Stereo 1 kHz sine made of {@code parts}, the form of most EBU test signals. */
  static double[] stereo1k(long sampleRateHz, Segment... parts) {
    return sine(1000.0, sampleRateHz, 2, 0.0, parts);
  }

  /** Quantises full-scale doubles to signed integers of {@code bits} bits, rounding, clipping. */
  static int[] quantise(double[] samples, int bits) {
    double scale = 1L << (bits - 1);
    long max = (1L << (bits - 1)) - 1;
    long min = -(1L << (bits - 1));
    int[] out = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      long value = Math.round(samples[i] * scale);
      out[i] = (int) Math.max(min, Math.min(max, value));
    }
    return out;
  }

  /**
   * Applies a raised-cosine fade-in and fade-out of {@code seconds} each, in place, and returns the
   * array. A sine switched on abruptly is not band-limited near its edges, and its interpolation
   * overshoots there.
   */
  static double[] fadeEdges(double[] interleaved, int channels, long sampleRateHz, double seconds) {
    int fadeFrames = frames(seconds, sampleRateHz);
    int total = interleaved.length / channels;
    for (int i = 0; i < fadeFrames; i++) {
      double gain = 0.5 - 0.5 * Math.cos(Math.PI * i / fadeFrames);
      for (int c = 0; c < channels; c++) {
        interleaved[i * channels + c] *= gain;
        interleaved[(total - 1 - i) * channels + c] *= gain;
      }
    }
    return interleaved;
  }

  static int frames(double seconds, long sampleRateHz) {
    return (int) Math.round(seconds * sampleRateHz);
  }
}
