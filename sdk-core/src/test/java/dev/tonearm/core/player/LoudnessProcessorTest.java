package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.api.Loudness;
import dev.tonearm.core.audio.NormalizationMode;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The frame accounting of {@link LoudnessProcessor#flush} on short and empty runs. */
class LoudnessProcessorTest {
  private static final PcmFormat STEREO_48K = new PcmFormat(48_000, 2, 16);
  /** 5 ms of look-ahead at 48 kHz plus the interpolator's 15 frames. */
  private static final int LATENCY_FRAMES = 255;

  @Test
  void flush_shortInput_returnsSilenceThenInput() throws Exception {
    LoudnessProcessor processor = new LoudnessProcessor(NormalizationMode.LOUD);
    processor.startTrack(STEREO_48K, null, -14.0);
    PcmBuffer block = block(100, 1000);

    processor.process(block);
    PcmBuffer tail = new PcmBuffer();
    processor.flush(tail);

    assertThat(block.frames).isEqualTo(100);
    assertThat(Arrays.copyOf(block.samples, 200)).containsOnly(0);
    assertThat(tail.frames).isEqualTo(LATENCY_FRAMES);
    assertThat(tail.format).isEqualTo(STEREO_48K);
    int silentSamples = (LATENCY_FRAMES - 100) * 2;
    assertThat(Arrays.copyOf(tail.samples, silentSamples)).containsOnly(0);
    assertThat(Arrays.copyOfRange(tail.samples, silentSamples, LATENCY_FRAMES * 2))
        .as("unknown loudness gets 0 dB, and the quiet input passes the limiter unchanged")
        .containsOnly(1000);
  }

  @Test
  void flush_nothingProcessed_returnsNoFrames() throws Exception {
    LoudnessProcessor processor = new LoudnessProcessor(NormalizationMode.LOUD);
    processor.startTrack(STEREO_48K, null, -14.0);
    PcmBuffer tail = new PcmBuffer();

    processor.flush(tail);

    assertThat(tail.frames).isZero();
  }

  @Test
  void flush_twice_secondReturnsNoFrames() throws Exception {
    LoudnessProcessor processor = new LoudnessProcessor(NormalizationMode.LOUD);
    processor.startTrack(STEREO_48K, null, -14.0);
    processor.process(block(1000, 1000));
    PcmBuffer tail = new PcmBuffer();

    processor.flush(tail);
    assertThat(tail.frames).isEqualTo(LATENCY_FRAMES);
    processor.flush(tail);

    assertThat(tail.frames).isZero();
  }

  @Test
  void process_afterFlush_startsWithSilenceAgain() throws Exception {
    LoudnessProcessor processor = new LoudnessProcessor(NormalizationMode.LOUD);
    processor.startTrack(STEREO_48K, null, -14.0);
    processor.process(block(1000, 1000));
    processor.flush(new PcmBuffer());
    processor.startTrack(STEREO_48K, null, -14.0);
    PcmBuffer next = block(1000, 2000);

    processor.process(next);

    assertThat(Arrays.copyOf(next.samples, LATENCY_FRAMES * 2)).containsOnly(0);
    assertThat(Arrays.copyOfRange(next.samples, LATENCY_FRAMES * 2, 2000)).containsOnly(2000);
  }

  @Test
  void flush_normalMode_returnsNoFrames() throws Exception {
    LoudnessProcessor processor = new LoudnessProcessor(NormalizationMode.NORMAL);
    processor.startTrack(STEREO_48K, new Loudness(-20.0, -6.0), -14.0);
    processor.process(block(1000, 1000));
    PcmBuffer tail = new PcmBuffer();

    processor.flush(tail);

    assertThat(tail.frames).isZero();
  }

  /** Returns a stereo block of {@code frames} frames whose samples all equal {@code value}. */
  private static PcmBuffer block(int frames, int value) {
    PcmBuffer buffer = new PcmBuffer(frames * 2);
    Arrays.fill(buffer.samples, value);
    buffer.frames = frames;
    buffer.format = STEREO_48K;
    return buffer;
  }
}
