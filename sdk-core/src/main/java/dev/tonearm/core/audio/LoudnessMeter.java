package dev.tonearm.core.audio;

import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.util.Arrays;

/**
 * A streaming loudness and true-peak meter after ITU-R BS.1770-4 and EBU Tech 3341/3342.
 *
 * <p>Design note. Each channel is K-weighted ({@link KWeightingFilter}, coefficients derived for
 * the stream's sample rate), squared and multiplied by its channel weight. The weighted energy is
 * summed into 1 ms granules, whose boundaries are {@code floor(k * sampleRateHz / 1000)} so that
 * every sample rate works, including rates that do not divide into 100 ms. From the granules:
 *
 * <ul>
 *   <li>momentary loudness is the mean over the last 400 ms and short-term loudness over the last 3
 *       s, both updated every granule (so that their maxima miss a burst by at most 1 ms);
 *   <li>a 400 ms gating block is taken every 100 ms (75% overlap), starting once 400 ms have been
 *       fed, and integrated loudness gates them at -70 LUFS and then 10 LU below the mean;
 *   <li>a 3 s short-term block is taken every 100 ms once 3 s have been fed, and loudness range
 *       gates them at -70 LUFS and 20 LU below their mean and takes the 95th minus the 10th
 *       percentile (EBU Tech 3342).
 * </ul>
 *
 * <p>Windows that reach back before the first sample count that time as silence. Momentary and
 * short-term values lag the input by at most one granule. Memory grows by two doubles per 100 ms of
 * audio (about 0.6 MB per hour) for the block lists that integrated loudness and loudness range
 * need.
 *
 * <p>Channel order and weights: channels follow the WAVE order of {@link PcmFormat} with the
 * default layout for each count, and weights follow BS.1770-4 (1.41 for channels at 60 to 120
 * degrees azimuth, 0 for LFE, 1.0 for the rest):
 *
 * <ul>
 *   <li>1 to 3 channels (mono; L R; L R C): all 1.0;
 *   <li>4 (L R BL BR, quadraphonic surrounds at about 110 degrees): 1, 1, 1.41, 1.41;
 *   <li>5 (L R C Ls Rs): 1, 1, 1, 1.41, 1.41;
 *   <li>6 (L R C LFE Ls Rs): 1, 1, 1, 0, 1.41, 1.41;
 *   <li>7 (L R C LFE BC SL SR): 1, 1, 1, 0, 1.0, 1.41, 1.41;
 *   <li>8 (L R C LFE BL BR SL SR, rear pair at 135 to 150 degrees): 1, 1, 1, 0, 1.0, 1.0, 1.41,
 *       1.41.
 * </ul>
 *
 * <p>{@link Builder#channelWeights(double...)} overrides these for other layouts.
 *
 * <p>True peak uses {@link TruePeakInterpolator} (4x oversampling) on the unweighted input and is
 * reported in dBTP, the same dB scale as dBFS.
 *
 * <p>Threading: not thread-safe. One thread feeds samples and queries results; queries may come at
 * any time between feeds.
 */
public final class LoudnessMeter {
  /** Builds a {@link LoudnessMeter}. */
  public static final class Builder {
    private final long sampleRateHz;
    private final int channels;
    private double[] channelWeights;
    private boolean truePeakEnabled = true;

    private Builder(long sampleRateHz, int channels) {
      if (sampleRateHz < MIN_SAMPLE_RATE_HZ || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
        throw new IllegalArgumentException(
            "sampleRateHz must be in ["
                + MIN_SAMPLE_RATE_HZ
                + ", "
                + MAX_SAMPLE_RATE_HZ
                + "]: "
                + sampleRateHz);
      }
      if (channels < 1 || channels > PcmFormat.MAX_CHANNELS) {
        throw new IllegalArgumentException(
            "channels must be in [1, " + PcmFormat.MAX_CHANNELS + "]: " + channels);
      }
      this.sampleRateHz = sampleRateHz;
      this.channels = channels;
      this.channelWeights = defaultChannelWeights(channels);
    }

    /**
     * Sets the weight of each channel in WAVE order. Default: the BS.1770-4 weights for the default
     * layout of the channel count (see the class documentation).
     */
    public Builder channelWeights(double... weights) {
      if (weights.length != channels) {
        throw new IllegalArgumentException(
            "channelWeights needs one weight per channel (" + channels + "): " + weights.length);
      }
      for (double weight : weights) {
        if (!(weight >= 0.0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException("channel weight must be finite and >= 0: " + weight);
        }
      }
      this.channelWeights = weights.clone();
      return this;
    }

    /**
     * Sets whether true peak is measured. Default: true. Disabling it saves the 4x interpolation,
     * roughly half the meter's work; {@link #truePeakDbtp()} then returns the sample peak.
     */
    public Builder truePeak(boolean enabled) {
      this.truePeakEnabled = enabled;
      return this;
    }

    public LoudnessMeter build() {
      return new LoudnessMeter(this);
    }
  }

  /**
   * Lowest supported sample rate. Below about 3.4 kHz the K-weighting shelf (1682 Hz) lies above
   * the Nyquist frequency and the filter design fails.
   */
  public static final long MIN_SAMPLE_RATE_HZ = 4_000;

  /** Highest supported sample rate: 2^20 - 1 Hz, the largest rate that FLAC can store. */
  public static final long MAX_SAMPLE_RATE_HZ = 1_048_575;

  private static final int GRANULES_PER_SECOND = 1000;
  private static final int MOMENTARY_GRANULES = 400;
  private static final int SHORT_TERM_GRANULES = 3000;
  private static final int BLOCK_STEP_GRANULES = 100;

  /** Frames converted to doubles per pass, bounding the scratch buffer. */
  private static final int CHUNK_FRAMES = 1024;

  private static final double BS1770_SURROUND_WEIGHT = 1.41;

  private final long sampleRateHz;
  private final int channels;
  private final double[] channelWeights;
  private final boolean truePeakEnabled;
  private final KWeightingFilter filter;
  private final TruePeakInterpolator interpolator;
  private final double[] scratch;

  // Granule energies of the last SHORT_TERM_GRANULES granules, indexed by granule % length.
  private final double[] granuleEnergies = new double[SHORT_TERM_GRANULES];
  private final DoubleList blockEnergies = new DoubleList();
  private final DoubleList shortTermEnergies = new DoubleList();
  private final double[] samplePeaks;
  private final double[] truePeaks;

  private long frames;
  private long completedGranules;
  private long granuleEndFrame;
  private double granuleEnergy;
  private double momentarySum;
  private double shortTermSum;
  private double momentaryEnergy;
  private double shortTermEnergy;
  private double maxMomentaryEnergy;
  private double maxShortTermEnergy;

  private LoudnessMeter(Builder builder) {
    this.sampleRateHz = builder.sampleRateHz;
    this.channels = builder.channels;
    this.channelWeights = builder.channelWeights;
    this.truePeakEnabled = builder.truePeakEnabled;
    this.filter = new KWeightingFilter(sampleRateHz, channels);
    this.interpolator = new TruePeakInterpolator(channels);
    this.scratch = new double[CHUNK_FRAMES * channels];
    this.samplePeaks = new double[channels];
    this.truePeaks = new double[channels];
    this.granuleEndFrame = granuleBoundary(1);
  }

  /** Returns a builder for a stream of {@code channels} channels at {@code sampleRateHz}. */
  public static Builder builder(long sampleRateHz, int channels) {
    return new Builder(sampleRateHz, channels);
  }

  /** Returns a meter with default settings for streams in {@code format}. */
  public static LoudnessMeter forFormat(PcmFormat format) {
    return builder(format.sampleRateHz(), format.channels()).build();
  }

  /** Returns the BS.1770-4 weights of the default WAVE layout for {@code channels} channels. */
  public static double[] defaultChannelWeights(int channels) {
    double s = BS1770_SURROUND_WEIGHT;
    switch (channels) {
      case 1:
        return new double[] {1.0};
      case 2:
        return new double[] {1.0, 1.0};
      case 3:
        return new double[] {1.0, 1.0, 1.0};
      case 4:
        return new double[] {1.0, 1.0, s, s};
      case 5:
        return new double[] {1.0, 1.0, 1.0, s, s};
      case 6:
        return new double[] {1.0, 1.0, 1.0, 0.0, s, s};
      case 7:
        return new double[] {1.0, 1.0, 1.0, 0.0, 1.0, s, s};
      case 8:
        return new double[] {1.0, 1.0, 1.0, 0.0, 1.0, 1.0, s, s};
      default:
        throw new IllegalArgumentException(
            "channels must be in [1, " + PcmFormat.MAX_CHANNELS + "]: " + channels);
    }
  }

  /**
   * Feeds {@code frameCount} interleaved frames of signed integer samples at {@code bitsPerSample}
   * bits; each sample is divided by 2^(bitsPerSample - 1).
   */
  public void addSamples(int[] samples, int frameCount, int bitsPerSample) {
    if (bitsPerSample < 4 || bitsPerSample > 32) {
      throw new IllegalArgumentException("bitsPerSample must be in [4, 32]: " + bitsPerSample);
    }
    checkLength(samples.length, frameCount);
    double scale = 1.0 / (1L << (bitsPerSample - 1));
    int done = 0;
    while (done < frameCount) {
      int chunk = Math.min(CHUNK_FRAMES, frameCount - done);
      int base = done * channels;
      for (int i = 0; i < chunk * channels; i++) {
        scratch[i] = samples[base + i] * scale;
      }
      process(scratch, chunk);
      done += chunk;
    }
  }

  /** Feeds {@code frameCount} interleaved frames of float samples, full scale at +-1.0. */
  public void addSamples(float[] samples, int frameCount) {
    checkLength(samples.length, frameCount);
    int done = 0;
    while (done < frameCount) {
      int chunk = Math.min(CHUNK_FRAMES, frameCount - done);
      int base = done * channels;
      for (int i = 0; i < chunk * channels; i++) {
        scratch[i] = samples[base + i];
      }
      process(scratch, chunk);
      done += chunk;
    }
  }

  /** Feeds {@code frameCount} interleaved frames of double samples, full scale at +-1.0. */
  public void addSamples(double[] samples, int frameCount) {
    checkLength(samples.length, frameCount);
    int done = 0;
    while (done < frameCount) {
      int chunk = Math.min(CHUNK_FRAMES, frameCount - done);
      System.arraycopy(samples, done * channels, scratch, 0, chunk * channels);
      process(scratch, chunk);
      done += chunk;
    }
  }

  /**
   * Feeds the frames of a decoded block.
   *
   * @throws IllegalArgumentException when the block's rate or channel count differs from the
   *     meter's
   */
  public void add(PcmBuffer buffer) {
    PcmFormat format = buffer.format;
    if (format.sampleRateHz() != sampleRateHz || format.channels() != channels) {
      throw new IllegalArgumentException(
          "buffer format "
              + format
              + " does not match the meter's "
              + sampleRateHz
              + " Hz, "
              + channels
              + " ch");
    }
    addSamples(buffer.samples, buffer.frames, format.bitsPerSample());
  }

  /** Integrated (gated programme) loudness in LUFS, or negative infinity before any gated block. */
  public double integratedLufs() {
    return GatedLoudness.integratedLufs(blockEnergies);
  }

  /** Momentary loudness (last 400 ms) in LUFS, or negative infinity for silence. */
  public double momentaryLufs() {
    return GatedLoudness.toLufs(momentaryEnergy);
  }

  /** Short-term loudness (last 3 s) in LUFS, or negative infinity for silence. */
  public double shortTermLufs() {
    return GatedLoudness.toLufs(shortTermEnergy);
  }

  /** Highest momentary loudness so far in LUFS. */
  public double maxMomentaryLufs() {
    return GatedLoudness.toLufs(maxMomentaryEnergy);
  }

  /** Highest short-term loudness so far in LUFS. */
  public double maxShortTermLufs() {
    return GatedLoudness.toLufs(maxShortTermEnergy);
  }

  /** Loudness range (EBU Tech 3342) in LU; 0 before 3 s of non-silent audio. */
  public double loudnessRangeLu() {
    return GatedLoudness.loudnessRangeLu(shortTermEnergies);
  }

  /**
   * Maximum true peak over all channels in dBTP, including the interpolated values after the last
   * sample as if silence followed; negative infinity for digital silence.
   */
  public double truePeakDbtp() {
    double peak = 0.0;
    for (int c = 0; c < channels; c++) {
      peak = Math.max(peak, truePeakLinear(c));
    }
    return toDecibels(peak);
  }

  /** Maximum true peak of one channel in dBTP. */
  public double truePeakDbtp(int channel) {
    checkChannel(channel);
    return toDecibels(truePeakLinear(channel));
  }

  /** Maximum sample magnitude over all channels in dBFS. */
  public double samplePeakDbfs() {
    double peak = 0.0;
    for (double channelPeak : samplePeaks) {
      peak = Math.max(peak, channelPeak);
    }
    return toDecibels(peak);
  }

  /** Frames fed so far. */
  public long frameCount() {
    return frames;
  }

  /** Clears all measurements and filter states, as if the meter were new. */
  public void reset() {
    filter.reset();
    interpolator.reset();
    Arrays.fill(granuleEnergies, 0.0);
    Arrays.fill(samplePeaks, 0.0);
    Arrays.fill(truePeaks, 0.0);
    blockEnergies.clear();
    shortTermEnergies.clear();
    frames = 0;
    completedGranules = 0;
    granuleEndFrame = granuleBoundary(1);
    granuleEnergy = 0.0;
    momentarySum = 0.0;
    shortTermSum = 0.0;
    momentaryEnergy = 0.0;
    shortTermEnergy = 0.0;
    maxMomentaryEnergy = 0.0;
    maxShortTermEnergy = 0.0;
  }

  private void process(double[] interleaved, int frameCount) {
    for (int f = 0; f < frameCount; f++) {
      int offset = f * channels;
      double energy = 0.0;
      for (int c = 0; c < channels; c++) {
        double x = interleaved[offset + c];
        double magnitude = Math.abs(x);
        if (magnitude > samplePeaks[c]) {
          samplePeaks[c] = magnitude;
        }
        double y = filter.filter(c, x);
        energy += channelWeights[c] * y * y;
      }
      if (truePeakEnabled) {
        interpolator.push(interleaved, offset, truePeaks);
      }
      granuleEnergy += energy;
      frames++;
      if (frames == granuleEndFrame) {
        completeGranule();
      }
    }
  }

  private void completeGranule() {
    int slot = (int) (completedGranules % SHORT_TERM_GRANULES);
    double leavingShortTerm = granuleEnergies[slot];
    int momentaryLeavingSlot =
        (int) ((completedGranules - MOMENTARY_GRANULES) % SHORT_TERM_GRANULES);
    double leavingMomentary =
        completedGranules >= MOMENTARY_GRANULES ? granuleEnergies[momentaryLeavingSlot] : 0.0;
    granuleEnergies[slot] = granuleEnergy;
    momentarySum += granuleEnergy - leavingMomentary;
    shortTermSum += granuleEnergy - leavingShortTerm;
    granuleEnergy = 0.0;
    completedGranules++;
    granuleEndFrame = granuleBoundary(completedGranules + 1);

    if (completedGranules % BLOCK_STEP_GRANULES == 0) {
      // Running sums drift by rounding; recompute them exactly every 100 ms.
      recomputeWindowSums();
      filter.flushDenormals();
    }
    momentaryEnergy = Math.max(0.0, momentarySum) / windowFrames(MOMENTARY_GRANULES);
    shortTermEnergy = Math.max(0.0, shortTermSum) / windowFrames(SHORT_TERM_GRANULES);
    maxMomentaryEnergy = Math.max(maxMomentaryEnergy, momentaryEnergy);
    maxShortTermEnergy = Math.max(maxShortTermEnergy, shortTermEnergy);

    if (completedGranules % BLOCK_STEP_GRANULES == 0) {
      if (completedGranules >= MOMENTARY_GRANULES) {
        blockEnergies.add(momentaryEnergy);
      }
      if (completedGranules >= SHORT_TERM_GRANULES) {
        shortTermEnergies.add(shortTermEnergy);
      }
    }
  }

  private void recomputeWindowSums() {
    double momentary = 0.0;
    double shortTerm = 0.0;
    long available = Math.min(completedGranules, SHORT_TERM_GRANULES);
    for (long back = 1; back <= available; back++) {
      double energy = granuleEnergies[(int) ((completedGranules - back) % SHORT_TERM_GRANULES)];
      shortTerm += energy;
      if (back <= MOMENTARY_GRANULES) {
        momentary += energy;
      }
    }
    momentarySum = momentary;
    shortTermSum = shortTerm;
  }

  /** Frames in the window of {@code granules} granules that ends at the last completed one. */
  private long windowFrames(int granules) {
    return granuleBoundary(completedGranules) - granuleBoundary(completedGranules - granules);
  }

  /** First frame of granule {@code k}, for any k including negative ones. */
  private long granuleBoundary(long k) {
    return Math.floorDiv(k * sampleRateHz, (long) GRANULES_PER_SECOND);
  }

  private double truePeakLinear(int channel) {
    if (!truePeakEnabled) {
      return samplePeaks[channel];
    }
    double tail = interpolator.tailPeaks()[channel];
    return Math.max(samplePeaks[channel], Math.max(truePeaks[channel], tail));
  }

  private static double toDecibels(double linear) {
    return linear > 0.0 ? 20.0 * Math.log10(linear) : Double.NEGATIVE_INFINITY;
  }

  private void checkLength(int arrayLength, int frameCount) {
    if (frameCount < 0 || (long) frameCount * channels > arrayLength) {
      throw new IllegalArgumentException(
          "frameCount must be in [0, "
              + arrayLength / channels
              + "] for an array of "
              + arrayLength
              + " samples: "
              + frameCount);
    }
  }

  private void checkChannel(int channel) {
    if (channel < 0 || channel >= channels) {
      throw new IllegalArgumentException(
          "channel must be in [0, " + (channels - 1) + "]: " + channel);
    }
  }
}
