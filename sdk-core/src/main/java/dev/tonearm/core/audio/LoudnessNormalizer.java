package dev.tonearm.core.audio;

import dev.tonearm.core.decode.PcmFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gain stage of playback: moves each track towards the loudness target of a {@link
 * NormalizationMode}, using the track's loudness from the catalog manifest.
 *
 * <p>Gain rules, with the ceiling at -1 dBTP by default:
 *
 * <ul>
 *   <li>{@link NormalizationMode#OFF}: no processing; output samples are bit-identical to input.
 *   <li>{@link NormalizationMode#NORMAL} (-14 LUFS) and {@link NormalizationMode#QUIET} (-19 LUFS):
 *       gain = target - integrated loudness. Negative gain is applied in full. Positive gain is
 *       limited to {@code ceiling - truePeak}, and never below 0, so that a track that already
 *       peaks above the ceiling is left as it is rather than turned down.
 *   <li>{@link NormalizationMode#LOUD} (-11 LUFS): the full gain, followed by a {@link
 *       LookAheadLimiter} (5 ms look-ahead, 100 ms release by default) that holds the true peak at
 *       the ceiling. The limiter delays the audio by {@link #latencyFrames()} frames.
 *   <li>A track with {@link TrackLoudness#UNKNOWN} loudness gets 0 dB.
 * </ul>
 *
 * <p>Output has the input's bit depth. Samples are rounded to the nearest integer (ties to even)
 * and clipped to the bit depth's range. No dither is added, so a gain of 0 dB is bit-exact and the
 * output is reproducible. The rounding error is at most half a least significant bit, about -101
 * dBFS at 16 bits.
 *
 * <p>Gapless use: {@link #setTrackLoudness} changes the gain from the next frame passed to {@link
 * #process}, so a track boundary stays sample-exact, and the limiter runs on across the boundary.
 * Call {@link #flush} only at the end of playback or before a format change; {@link #process} and
 * {@link #flush} together return exactly as many frames as were fed.
 *
 * <p>Threading: not thread-safe. One playback thread calls every method.
 */
public final class LoudnessNormalizer {
  /** Builds a {@link LoudnessNormalizer}. */
  public static final class Builder {
    private NormalizationMode mode = NormalizationMode.NORMAL;
    private double ceilingDbtp = DEFAULT_CEILING_DBTP;
    private int lookAheadMs = DEFAULT_LOOK_AHEAD_MS;
    private int releaseMs = DEFAULT_RELEASE_MS;

    private Builder() {}

    /** Sets the mode. Default: {@link NormalizationMode#NORMAL}. */
    public Builder mode(NormalizationMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Sets the true-peak ceiling in dBTP, in [-20, 0]. Default: -1. */
    public Builder ceilingDbtp(double ceilingDbtp) {
      if (!(ceilingDbtp >= -20.0 && ceilingDbtp <= 0.0)) {
        throw new IllegalArgumentException("ceilingDbtp must be in [-20, 0]: " + ceilingDbtp);
      }
      this.ceilingDbtp = ceilingDbtp;
      return this;
    }

    /** Sets the limiter's look-ahead in ms, in [1, 50]. Default: 5. */
    public Builder lookAheadMs(int lookAheadMs) {
      if (lookAheadMs < 1 || lookAheadMs > 50) {
        throw new IllegalArgumentException("lookAheadMs must be in [1, 50]: " + lookAheadMs);
      }
      this.lookAheadMs = lookAheadMs;
      return this;
    }

    /** Sets the limiter's release time constant in ms, in [1, 5000]. Default: 100. */
    public Builder releaseMs(int releaseMs) {
      if (releaseMs < 1 || releaseMs > 5000) {
        throw new IllegalArgumentException("releaseMs must be in [1, 5000]: " + releaseMs);
      }
      this.releaseMs = releaseMs;
      return this;
    }

    public LoudnessNormalizer build() {
      return new LoudnessNormalizer(this);
    }
  }

  /** Default true-peak ceiling: -1 dBTP. */
  public static final double DEFAULT_CEILING_DBTP = -1.0;

  /** Default limiter look-ahead: 5 ms. */
  public static final int DEFAULT_LOOK_AHEAD_MS = 5;

  /** Default limiter release time constant: 100 ms. */
  public static final int DEFAULT_RELEASE_MS = 100;

  private static final Logger logger = LoggerFactory.getLogger(LoudnessNormalizer.class);

  private final NormalizationMode mode;
  private final double ceilingDbtp;
  private final int lookAheadMs;
  private final int releaseMs;

  private PcmFormat format;
  private LookAheadLimiter limiter;
  private double[] frameIn = new double[0];
  private double[] frameOut = new double[0];
  private double gainDb;
  private double gainLinear = 1.0;
  private long pendingFrames;
  private long clippedSamples;

  private LoudnessNormalizer(Builder builder) {
    this.mode = builder.mode;
    this.ceilingDbtp = builder.ceilingDbtp;
    this.lookAheadMs = builder.lookAheadMs;
    this.releaseMs = builder.releaseMs;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the gain in dB that {@code mode} applies to a track of {@code loudness}, by the rules
   * in the class documentation.
   */
  public static double gainDb(NormalizationMode mode, TrackLoudness loudness, double ceilingDbtp) {
    if (mode == NormalizationMode.OFF || !loudness.isKnown()) {
      return 0.0;
    }
    double gain = mode.targetLufs() - loudness.integratedLufs();
    if (!mode.isLimited() && gain > 0.0) {
      double headroomDb = ceilingDbtp - loudness.truePeakDbtp();
      gain = Math.max(0.0, Math.min(gain, headroomDb));
    }
    return gain;
  }

  public NormalizationMode mode() {
    return mode;
  }

  /**
   * Prepares for frames in {@code format}, keeping the current track gain.
   *
   * @throws IllegalStateException when frames of another format are still in the limiter; call
   *     {@link #flush} first
   */
  public void open(PcmFormat format) {
    Objects.requireNonNull(format, "format");
    if (format.equals(this.format)) {
      return;
    }
    if (pendingFrames > 0) {
      throw new IllegalStateException(
          pendingFrames + " frames of " + this.format + " are pending; flush before open");
    }
    this.format = format;
    this.frameIn = new double[format.channels()];
    this.frameOut = new double[format.channels()];
    if (mode.isLimited()) {
      long rate = format.sampleRateHz();
      int lookAheadFrames = (int) Math.max(1, Math.min(1 << 20, rate * lookAheadMs / 1000));
      double releaseFrames = Math.max(1.0, rate * (releaseMs / 1000.0));
      limiter =
          new LookAheadLimiter(format.channels(), ceilingDbtp, lookAheadFrames, releaseFrames);
    } else {
      limiter = null;
    }
  }

  /** Sets the loudness of the track whose frames come next; the gain changes at the next frame. */
  public void setTrackLoudness(TrackLoudness loudness) {
    Objects.requireNonNull(loudness, "loudness");
    gainDb = gainDb(mode, loudness, ceilingDbtp);
    gainLinear = Math.pow(10.0, gainDb / 20.0);
    logger.debug("Track gain {} dB for {} in mode {}", gainDb, loudness, mode);
  }

  /** Returns the gain in dB applied to the current track. */
  public double gainDb() {
    return gainDb;
  }

  /** Returns the limiter's delay in frames, which is 0 unless the mode is LOUD. */
  public int latencyFrames() {
    return limiter == null ? 0 : limiter.latencyFrames();
  }

  /** Returns the number of samples clipped to the bit depth's range so far. */
  public long clippedSamples() {
    return clippedSamples;
  }

  /**
   * Processes {@code frames} interleaved frames from {@code input} and writes the frames that leave
   * the stage to {@code output}, which may be the same array. At most {@code frames} frames are
   * written, and fewer only while the limiter's delay fills.
   *
   * @return frames written to {@code output}
   */
  public int process(int[] input, int frames, int[] output) {
    PcmFormat current = requireOpen();
    int samples = frames * current.channels();
    if (frames < 0 || samples > input.length || samples > output.length) {
      throw new IllegalArgumentException(
          "frames must be in [0, "
              + Math.min(input.length, output.length) / current.channels()
              + "]: "
              + frames);
    }
    if (mode == NormalizationMode.OFF || (limiter == null && gainLinear == 1.0)) {
      if (input != output) {
        System.arraycopy(input, 0, output, 0, samples);
      }
      return frames;
    }
    if (limiter == null) {
      for (int i = 0; i < samples; i++) {
        output[i] = quantise(input[i] * gainLinear, current.bitsPerSample());
      }
      return frames;
    }
    return processLimited(input, frames, output, current);
  }

  /**
   * Writes the frames still delayed in the limiter to {@code output}, which needs room for {@link
   * #latencyFrames()} frames, and empties the limiter.
   *
   * @return frames written
   */
  public int flush(int[] output) {
    if (limiter == null || pendingFrames == 0) {
      return 0;
    }
    int channels = format.channels();
    int written = 0;
    java.util.Arrays.fill(frameIn, 0.0);
    while (pendingFrames > 0) {
      if (limiter.process(frameIn, 0, frameOut, 0)) {
        writeFrame(output, written * channels);
        written++;
        pendingFrames--;
      }
    }
    limiter.reset();
    return written;
  }

  private int processLimited(int[] input, int frames, int[] output, PcmFormat current) {
    int channels = current.channels();
    double scale = gainLinear / fullScale(current.bitsPerSample());
    int written = 0;
    for (int f = 0; f < frames; f++) {
      int base = f * channels;
      for (int c = 0; c < channels; c++) {
        frameIn[c] = input[base + c] * scale;
      }
      pendingFrames++;
      if (limiter.process(frameIn, 0, frameOut, 0)) {
        writeFrame(output, written * channels);
        written++;
        pendingFrames--;
      }
    }
    return written;
  }

  private void writeFrame(int[] output, int offset) {
    int bits = format.bitsPerSample();
    double scale = fullScale(bits);
    for (int c = 0; c < frameOut.length; c++) {
      output[offset + c] = quantise(frameOut[c] * scale, bits);
    }
  }

  private int quantise(double value, int bits) {
    long max = (1L << (bits - 1)) - 1;
    long min = -(1L << (bits - 1));
    long rounded = (long) Math.rint(value);
    if (rounded > max) {
      clippedSamples++;
      return (int) max;
    }
    if (rounded < min) {
      clippedSamples++;
      return (int) min;
    }
    return (int) rounded;
  }

  private static double fullScale(int bits) {
    return (double) (1L << (bits - 1));
  }

  private PcmFormat requireOpen() {
    if (format == null) {
      throw new IllegalStateException("open(PcmFormat) must be called before process");
    }
    return format;
  }
}
