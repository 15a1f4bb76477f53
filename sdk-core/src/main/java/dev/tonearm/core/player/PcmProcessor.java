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
 * every call.
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
}
