package dev.tonearm.core.audio;

import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the PCM of consecutive tracks to one {@link AudioSink} so that they join without a gap.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>While the format stays the same, every frame passes in order: nothing is inserted, dropped
 *       or trimmed. Encoder delay and padding are already removed by the decoders (Ogg granule
 *       positions, FLAC STREAMINFO), so the joiner must not trim anything.
 *   <li>When the format changes (sample rate, channels or bit depth, between tracks or at a
 *       chained-stream link), the joiner flushes the gain stage into the sink, calls {@link
 *       AudioSink#drain()}, and then {@link AudioSink#open} with the new format. It does not
 *       resample: every frame keeps its original rate and bit depth. On a sound device, the
 *       reopening can leave a short silence at that one boundary; file sinks decide for themselves
 *       (see {@link dev.tonearm.core.sink.WavFileSink}).
 *   <li>With a {@link LoudnessNormalizer}, {@link #startTrack} sets the next track's gain, which
 *       applies from that track's first frame; the limiter of {@link NormalizationMode#LOUD} runs
 *       on across same-format boundaries.
 * </ul>
 *
 * <p>{@link #finish()} ends playback: it flushes the gain stage and drains the sink. The joiner
 * never closes the sink; its owner does.
 *
 * <p>Threading: one playback thread calls every method; {@link Listener} callbacks arrive on that
 * thread.
 */
public final class GaplessJoiner {
  /** Callbacks about boundaries, for metrics and UI. Methods have empty defaults. */
  public interface Listener {
    /** Called when a track starts; {@code index} counts from 0. */
    default void onTrackStart(int index, TrackLoudness loudness) {}

    /** Called after the sink was drained and before it is opened with {@code to}. */
    default void onFormatChange(PcmFormat from, PcmFormat to) {}
  }

  /** Builds a {@link GaplessJoiner}. */
  public static final class Builder {
    private final AudioSink sink;
    private LoudnessNormalizer normalizer;
    private Listener listener = new Listener() {};

    private Builder(AudioSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Sets the gain stage. Default: none, so samples reach the sink unchanged. */
    public Builder normalizer(LoudnessNormalizer normalizer) {
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      return this;
    }

    /** Sets the listener. Default: one that ignores every callback. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public GaplessJoiner build() {
      return new GaplessJoiner(this);
    }
  }

  private static final Logger logger = LoggerFactory.getLogger(GaplessJoiner.class);

  private final AudioSink sink;
  private final LoudnessNormalizer normalizer;
  private final Listener listener;
  private final PcmBuffer readBuffer = new PcmBuffer();

  private int[] processed = new int[0];
  private PcmFormat format;
  private int tracks;
  private long framesIn;
  private long framesOut;
  private int formatChanges;

  private GaplessJoiner(Builder builder) {
    this.sink = builder.sink;
    this.normalizer = builder.normalizer;
    this.listener = builder.listener;
  }

  /** Returns a builder for a joiner that writes to {@code sink}. */
  public static Builder builder(AudioSink sink) {
    return new Builder(sink);
  }

  /** Marks the start of the next track; its frames follow through {@link #write}. */
  public void startTrack(TrackLoudness loudness) {
    Objects.requireNonNull(loudness, "loudness");
    if (normalizer != null) {
      normalizer.setTrackLoudness(loudness);
    }
    listener.onTrackStart(tracks, loudness);
    tracks++;
  }

  /**
   * Plays a whole track: {@link #startTrack}, then every block that {@code decoder} returns. The
   * decoder is not closed.
   *
   * @return frames read from the decoder
   */
  public long playTrack(Decoder decoder, TrackLoudness loudness) throws IOException {
    startTrack(loudness);
    long frames = 0;
    int count;
    while ((count = decoder.read(readBuffer)) > 0) {
      write(readBuffer);
      frames += count;
    }
    return frames;
  }

  /** Writes the frames of a decoded block, reopening the sink first if its format changed. */
  public void write(PcmBuffer buffer) throws IOException {
    write(buffer.samples, buffer.frames, buffer.format);
  }

  /**
   * Writes {@code frames} interleaved frames in {@code frameFormat}, reopening the sink first if
   * the format changed.
   */
  public void write(int[] samples, int frames, PcmFormat frameFormat) throws IOException {
    Objects.requireNonNull(frameFormat, "format");
    if (frames < 0 || (long) frames * frameFormat.channels() > samples.length) {
      throw new IllegalArgumentException(
          "frames must be in [0, " + samples.length / frameFormat.channels() + "]: " + frames);
    }
    if (!frameFormat.equals(format)) {
      changeFormat(frameFormat);
    }
    framesIn += frames;
    if (normalizer == null) {
      sink.write(samples, frames);
      framesOut += frames;
      return;
    }
    int needed = frames * frameFormat.channels();
    if (processed.length < needed) {
      processed = new int[needed];
    }
    int out = normalizer.process(samples, frames, processed);
    if (out > 0) {
      sink.write(processed, out);
      framesOut += out;
    }
  }

  /** Ends playback: writes the frames that the gain stage still delays and drains the sink. */
  public void finish() throws IOException {
    flushNormalizer();
    if (format != null) {
      sink.drain();
    }
  }

  /** Frames passed to {@link #write} so far. */
  public long framesIn() {
    return framesIn;
  }

  /** Frames written to the sink so far; equals {@link #framesIn()} after {@link #finish()}. */
  public long framesOut() {
    return framesOut;
  }

  /** Format changes so far, each of which drained and reopened the sink. */
  public int formatChanges() {
    return formatChanges;
  }

  private void changeFormat(PcmFormat next) throws IOException {
    PcmFormat previous = format;
    if (previous != null) {
      flushNormalizer();
      sink.drain();
      formatChanges++;
      logger.debug("Format change from {} to {}: sink drained and reopened", previous, next);
      listener.onFormatChange(previous, next);
    }
    sink.open(next);
    if (normalizer != null) {
      normalizer.open(next);
    }
    format = next;
  }

  private void flushNormalizer() throws IOException {
    if (normalizer == null || format == null) {
      return;
    }
    int needed = normalizer.latencyFrames() * format.channels();
    if (processed.length < needed) {
      processed = new int[needed];
    }
    int out = normalizer.flush(processed);
    if (out > 0) {
      sink.write(processed, out);
      framesOut += out;
    }
  }
}
