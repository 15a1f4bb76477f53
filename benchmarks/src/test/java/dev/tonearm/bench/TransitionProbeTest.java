package dev.tonearm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.PcmMd5;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds {@link TransitionProbe} streams with a known join and checks the gap, the MD5 verdict and
 * the transition time that it reports. Write times are passed in, so the expected times are exact.
 */
class TransitionProbeTest {
  private static final PcmFormat FORMAT = new PcmFormat(1_000, 2, 16);
  private static final int FIRST_FRAMES = 5_000;
  private static final int SECOND_FRAMES = 3_000;
  private static final int HEAD_FRAMES = 64;
  private static final int BLOCK_FRAMES = 100;

  /** Entry time of write {@code i} is {@code i * WRITE_PERIOD_NANOS}. */
  private static final long WRITE_PERIOD_NANOS = 1_000;

  /** Each write returns this long after it entered. */
  private static final long WRITE_DURATION_NANOS = 100;

  private final int[] first = noise(FIRST_FRAMES, 1);
  private final int[] second = noise(SECOND_FRAMES, 2);
  private final ReferencePcm reference = reference(first, second);

  @Test
  void exactJoin_reportsZeroGap() throws Exception {
    TransitionProbe probe = new TransitionProbe(reference);

    feed(probe, concat(first, second));

    TransitionProbe.Result result = probe.result();
    assertThat(result).isNotNull();
    assertThat(result.gapFrames()).isEqualTo(0L);
    assertThat(result.firstTrackMatches()).isTrue();
    // Track 1 ends exactly at the end of write 49; write 50 starts track 2.
    assertThat(result.transitionNanos()).isEqualTo(WRITE_PERIOD_NANOS - WRITE_DURATION_NANOS);
    assertThat(result.secondTrackFirstWriteFrame()).isEqualTo(FIRST_FRAMES);
    assertThat(result.medianBlockFrames()).isEqualTo(BLOCK_FRAMES);
  }

  @Test
  void insertedSilence_reportsPositiveGap() throws Exception {
    TransitionProbe probe = new TransitionProbe(reference);

    feed(probe, concat(first, new int[7 * FORMAT.channels()], second));

    TransitionProbe.Result result = probe.result();
    assertThat(result.gapFrames()).isEqualTo(7L);
    assertThat(result.firstTrackMatches()).isTrue();
  }

  @Test
  void droppedFrames_reportNegativeGapAndMd5Mismatch() throws Exception {
    TransitionProbe probe = new TransitionProbe(reference);
    int[] shortened = Arrays.copyOf(first, (FIRST_FRAMES - 5) * FORMAT.channels());

    feed(probe, concat(shortened, second));

    TransitionProbe.Result result = probe.result();
    assertThat(result.gapFrames()).isEqualTo(-5L);
    assertThat(result.firstTrackMatches()).isFalse();
  }

  @Test
  void joinInsideOneWrite_reportsZeroTransitionTime() throws Exception {
    // Thirty more frames in the first track put the join in the middle of a write.
    int[] lead = noise(30, 3);
    TransitionProbe probe = new TransitionProbe(reference(concat(lead, first), second));

    feed(probe, concat(lead, first, second));

    TransitionProbe.Result result = probe.result();
    assertThat(result.gapFrames()).isEqualTo(0L);
    assertThat(result.transitionNanos()).isZero();
  }

  @Test
  void wrongSecondTrack_reportsNoGap() throws Exception {
    TransitionProbe probe = new TransitionProbe(reference);

    feed(probe, concat(first, noise(SECOND_FRAMES, 4)));

    TransitionProbe.Result result = probe.result();
    assertThat(result).isNotNull();
    assertThat(result.gapFrames()).isNull();
    assertThat(result.transitionNanos()).isEqualTo(-1);
  }

  private static void feed(TransitionProbe probe, int[] stream) throws InterruptedException {
    int channels = FORMAT.channels();
    int frames = stream.length / channels;
    int write = 0;
    for (int start = 0; start < frames; start += BLOCK_FRAMES, write++) {
      int count = Math.min(BLOCK_FRAMES, frames - start);
      int[] block = Arrays.copyOfRange(stream, start * channels, (start + count) * channels);
      long entry = write * WRITE_PERIOD_NANOS;
      probe.onWrite(block, count, FORMAT, entry, entry + WRITE_DURATION_NANOS);
    }
    assertThat(probe.await(0)).as("window filled").isTrue();
  }

  private static ReferencePcm reference(int[] firstTrack, int[] secondTrack) {
    PcmMd5 md5 = new PcmMd5();
    md5.update(firstTrack, firstTrack.length, FORMAT.bitsPerSample());
    int[] head = Arrays.copyOf(secondTrack, HEAD_FRAMES * FORMAT.channels());
    return new ReferencePcm(FORMAT, firstTrack.length / FORMAT.channels(), md5.digest(), head, 0);
  }

  private static int[] noise(int frames, long seed) {
    Random random = new Random(seed);
    int[] samples = new int[frames * FORMAT.channels()];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = random.nextInt(65_536) - 32_768;
    }
    return samples;
  }

  private static int[] concat(int[]... parts) {
    int total = 0;
    for (int[] part : parts) {
      total += part.length;
    }
    int[] joined = new int[total];
    int offset = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, joined, offset, part.length);
      offset += part.length;
    }
    return joined;
  }
}
