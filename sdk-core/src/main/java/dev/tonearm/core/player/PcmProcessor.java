package dev.tonearm.core.player;

import dev.tonearm.core.api.Loudness;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.io.IOException;

/**
 * A stage between the decoder and the sink, such as loudness normalisation. The player calls it
 * on its playback thread only.
 *
 * <p>A processor changes sample values in place and never the frame count or format of a block,
 * so that consecutive tracks still join sample-exactly. The player checks the frame count after
 * every call. A stage that delays audio, such as a look-ahead limiter, therefore starts its output
 * with as many frames of silence as it delays, and hands over the delayed frames through {@link
 * #flush}.
 */
public interface PcmProcessor {
  /** A processor that leaves samples unchanged. */
  PcmProcessor NONE =
      new PcmProcessor() {
        @Override
        public void startTrack(PcmFormat format, Loudness loudness, double targetLufs) {}

        @Override
        public void process(PcmBuffer buffer) {}
      };

  /**
   * Prepares for a track's samples.
   *
   * @param format the format of the track's first block
   * @param loudness the track's measured loudness from its manifest, or null when unknown
   * @param targetLufs the player's normalisation target in LUFS
   */
  void startTrack(PcmFormat format, Loudness loudness, double targetLufs) throws IOException;

  /** Processes one block in place. */
  void process(PcmBuffer buffer) throws IOException;

  /**
   * Moves the frames that the stage still delays into {@code buffer}, setting its {@code frames}
   * and {@code format}, and empties the stage, so that the next {@link #startTrack} starts as on
   * a new stage. {@code frames} is 0 when nothing is delayed.
   *
   * <p>The player calls it before the format of the next track differs from the previous one and
   * before it reports the end of the queue, and writes the frames to the sink in the previous
   * format. After {@code stop}, a new {@code play} or a failure it calls it and discards the
   * frames. The default delays nothing and sets {@code frames} to 0.
   */
  default void flush(PcmBuffer buffer) throws IOException {
    buffer.frames = 0;
  }
}
