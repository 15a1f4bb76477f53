package dev.tonearm.core.player;

import dev.tonearm.core.api.Loudness;
import dev.tonearm.core.audio.LoudnessNormalizer;
import dev.tonearm.core.audio.NormalizationMode;
import dev.tonearm.core.audio.TrackLoudness;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.util.Objects;

/**
 * Loudness normalisation as a player stage: applies each track's gain towards the {@link
 * NormalizationMode}'s target from the loudness in its manifest.
 *
 * <p>The mode sets the target; the player's {@code normalizationTargetLufs} is not used. In {@link
 * NormalizationMode#LOUD} the look-ahead limiter delays the audio by {@link
 * LoudnessNormalizer#latencyFrames()} frames (the 5 ms look-ahead plus 15 frames of the true-peak
 * interpolator). Because a player stage must keep every block's frame count, this stage plays that
 * many frames of silence before the first frame it passes on. The delay then runs on across tracks
 * of the same format, so they still join without a gap. {@link #flush} returns the delayed
 * frames, which the player writes before a format change and at the end of the queue. So in each
 * run of one format the stage outputs its input plus {@code latencyFrames()} leading frames of
 * silence, and no sample is lost. The other modes have no delay, and {@link #flush} returns no
 * frames.
 *
 * <p>Threading: the player calls it on its playback thread only.
 */
public final class LoudnessProcessor implements PcmProcessor {
  private final NormalizationMode mode;
  private final LoudnessNormalizer normalizer;

  /** Frames of silence still to emit ahead of the limiter's output. */
  private int silenceFrames;

  private PcmFormat format;
  private int[] scratch = new int[0];

  /** Creates a stage for {@code mode}, with the normaliser's default ceiling of -1 dBTP. */
  public LoudnessProcessor(NormalizationMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.normalizer = LoudnessNormalizer.builder().mode(mode).build();
  }

  /** The normalisation mode. */
  public NormalizationMode mode() {
    return mode;
  }

  /** Gain in dB applied to the current track. */
  public double gainDb() {
    return normalizer.gainDb();
  }

  @Override
  public void startTrack(PcmFormat trackFormat, Loudness loudness, double targetLufs) {
    if (mode == NormalizationMode.OFF) {
      return;
    }
    if (!trackFormat.equals(format)) {
      if (format != null) {
        // The player flushes before a format change. A caller that did not loses the delayed
        // frames here, because they cannot be played in the new format.
        scratch = ensure(scratch, normalizer.latencyFrames() * format.channels());
        normalizer.flush(scratch);
      }
      normalizer.open(trackFormat);
      format = trackFormat;
      silenceFrames = normalizer.latencyFrames();
    }
    normalizer.setTrackLoudness(
        loudness == null
            ? TrackLoudness.UNKNOWN
            : TrackLoudness.of(loudness.integratedLufs(), loudness.truePeakDbtp()));
  }

  @Override
  public void process(PcmBuffer buffer) {
    if (mode == NormalizationMode.OFF || buffer.frames == 0) {
      return;
    }
    int channels = buffer.format.channels();
    int samples = buffer.frames * channels;
    scratch = ensure(scratch, samples);
    int produced = normalizer.process(buffer.samples, buffer.frames, scratch);
    int missing = buffer.frames - produced;
    if (missing > silenceFrames) {
      throw new IllegalStateException(
          "limiter returned " + produced + " of " + buffer.frames + " frames after its delay");
    }
    // While the limiter's delay fills, the block starts with silence.
    java.util.Arrays.fill(buffer.samples, 0, missing * channels, 0);
    System.arraycopy(scratch, 0, buffer.samples, missing * channels, produced * channels);
    silenceFrames -= missing;
  }

  /**
   * Writes the rest of the leading silence, if the input so far was shorter than the delay, and
   * then the frames still in the limiter. That is {@link LoudnessNormalizer#latencyFrames()}
   * frames in all, or none when no frame was processed since the last flush or format change.
   */
  @Override
  public void flush(PcmBuffer buffer) {
    buffer.frames = 0;
    if (mode == NormalizationMode.OFF || format == null) {
      return;
    }
    int latencyFrames = normalizer.latencyFrames();
    if (silenceFrames == latencyFrames) {
      return;
    }
    int channels = format.channels();
    scratch = ensure(scratch, latencyFrames * channels);
    int delayedFrames = normalizer.flush(scratch);
    int[] out = buffer.ensureCapacity((silenceFrames + delayedFrames) * channels);
    java.util.Arrays.fill(out, 0, silenceFrames * channels, 0);
    System.arraycopy(scratch, 0, out, silenceFrames * channels, delayedFrames * channels);
    buffer.frames = silenceFrames + delayedFrames;
    buffer.format = format;
    buffer.link = 0;
    silenceFrames = latencyFrames;
  }

  private static int[] ensure(int[] array, int length) {
    return array.length >= length ? array : new int[length];
  }
}
