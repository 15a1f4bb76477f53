package dev.tonearm.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.testing.PcmAssert;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaplessJoinerTest {
  private static final PcmFormat CD = new PcmFormat(44_100, 2, 16);
  private static final PcmFormat HI_RES = new PcmFormat(96_000, 2, 24);

  @TempDir Path dir;

  /**
   * An in-memory sink (a fake, not a mock) that stores every sample and logs each call, so that
   * tests can check the order of open, write and drain.
   */
  private static final class RecordingSink implements AudioSink {
    final List<String> calls = new ArrayList<>();
    final List<int[]> segments = new ArrayList<>();
    PcmFormat format;
    int[] current = new int[0];
    int currentLength;

    @Override
    public void open(PcmFormat newFormat) {
      if (format != null) {
        segments.add(Arrays.copyOf(current, currentLength));
        currentLength = 0;
      }
      format = newFormat;
      calls.add("open " + newFormat);
    }

    @Override
    public void write(int[] samples, int frames) {
      int count = frames * format.channels();
      if (current.length < currentLength + count) {
        current = Arrays.copyOf(current, Math.max(2 * current.length, currentLength + count));
      }
      System.arraycopy(samples, 0, current, currentLength, count);
      currentLength += count;
      calls.add("write");
    }

    @Override
    public void drain() {
      calls.add("drain");
    }

    @Override
    public boolean isRealTime() {
      return false;
    }

    @Override
    public void close() {}

    /** Returns all samples since the last open. */
    int[] samples() {
      return Arrays.copyOf(current, currentLength);
    }
  }

  private static int[] randomTrack(Random random, int frames, int channels, int bits) {
    int[] samples = new int[frames * channels];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = random.nextInt(1 << bits) - (1 << (bits - 1));
    }
    return samples;
  }

  /** Feeds {@code track} to the joiner in blocks of random sizes, as a decoder would. */
  private static void feed(GaplessJoiner joiner, int[] track, PcmFormat format, Random random)
      throws IOException {
    int channels = format.channels();
    int frame = 0;
    while (frame < track.length / channels) {
      int count = Math.min(1 + random.nextInt(5000), track.length / channels - frame);
      joiner.write(
          Arrays.copyOfRange(track, frame * channels, (frame + count) * channels), count, format);
      frame += count;
    }
  }

  private static int[] concat(int[]... parts) {
    int length = 0;
    for (int[] part : parts) {
      length += part.length;
    }
    int[] out = new int[length];
    int at = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  @Test
  void write_sameFormatTracks_sinkGetsExactConcatenation() throws IOException {
    Random random = new Random(1);
    int[] first = randomTrack(random, 44_101, 2, 16);
    int[] second = randomTrack(random, 1, 2, 16);
    int[] third = randomTrack(random, 30_007, 2, 16);
    RecordingSink sink = new RecordingSink();
    GaplessJoiner joiner = GaplessJoiner.builder(sink).build();

    for (int[] track : new int[][] {first, second, third}) {
      joiner.startTrack(TrackLoudness.UNKNOWN);
      feed(joiner, track, CD, random);
    }
    joiner.finish();

    PcmAssert.assertSamplesEqual(sink.samples(), concat(first, second, third));
    assertThat(sink.calls).filteredOn(call -> call.startsWith("open")).hasSize(1);
    assertThat(sink.calls.get(sink.calls.size() - 1)).isEqualTo("drain");
    assertThat(joiner.framesOut()).isEqualTo(joiner.framesIn()).isEqualTo(44_101 + 1 + 30_007);
    assertThat(joiner.formatChanges()).isZero();
  }

  @Test
  void playTrack_wavFiles_joinSampleExact() throws IOException {
    Random random = new Random(2);
    int[] first = randomTrack(random, 50_000, 2, 24);
    int[] second = randomTrack(random, 12_345, 2, 24);
    Path firstPath = dir.resolve("first.wav");
    Path secondPath = dir.resolve("second.wav");
    for (Object[] file : new Object[][] {{firstPath, first}, {secondPath, second}}) {
      try (WavFileSink sink = WavFileSink.builder((Path) file[0]).build()) {
        sink.open(HI_RES);
        int[] samples = (int[]) file[1];
        sink.write(samples, samples.length / 2);
      }
    }
    Path joined = dir.resolve("joined.wav");

    try (WavFileSink out = WavFileSink.builder(joined).build()) {
      GaplessJoiner joiner = GaplessJoiner.builder(out).build();
      for (Path path : new Path[] {firstPath, secondPath}) {
        try (WavReader reader = WavReader.open(path)) {
          joiner.playTrack(reader, TrackLoudness.UNKNOWN);
        }
      }
      joiner.finish();
      assertThat(out.files()).containsExactly(joined);
    }

    try (WavReader reader = WavReader.open(joined)) {
      PcmAssert.assertSamplesEqual(readAll(reader), concat(first, second));
    }
  }

  @Test
  void write_formatChange_drainsThenReopensWithoutLoss() throws IOException {
    Random random = new Random(3);
    int[] cd = randomTrack(random, 10_000, 2, 16);
    int[] hiRes = randomTrack(random, 10_000, 2, 24);
    RecordingSink sink = new RecordingSink();
    List<String> events = new ArrayList<>();
    GaplessJoiner joiner =
        GaplessJoiner.builder(sink)
            .listener(
                new GaplessJoiner.Listener() {
                  @Override
                  public void onFormatChange(PcmFormat from, PcmFormat to) {
                    events.add(from + " -> " + to);
                  }
                })
            .build();

    joiner.startTrack(TrackLoudness.UNKNOWN);
    feed(joiner, cd, CD, random);
    joiner.startTrack(TrackLoudness.UNKNOWN);
    feed(joiner, hiRes, HI_RES, random);
    joiner.finish();

    int reopen = sink.calls.indexOf("open " + HI_RES);
    assertThat(sink.calls.get(reopen - 1)).isEqualTo("drain");
    assertThat(sink.calls.subList(0, reopen - 1)).doesNotContain("drain");
    PcmAssert.assertSamplesEqual(sink.segments.get(0), cd);
    PcmAssert.assertSamplesEqual(sink.samples(), hiRes);
    assertThat(events).containsExactly(CD + " -> " + HI_RES);
    assertThat(joiner.formatChanges()).isEqualTo(1);
  }

  @Test
  void write_normalizer_gainChangesAtBoundary() throws IOException {
    int[] first = new int[2 * 3000];
    int[] second = new int[2 * 3000];
    Arrays.fill(first, 1000);
    Arrays.fill(second, 1000);
    RecordingSink sink = new RecordingSink();
    LoudnessNormalizer normalizer =
        LoudnessNormalizer.builder().mode(NormalizationMode.NORMAL).build();
    GaplessJoiner joiner = GaplessJoiner.builder(sink).normalizer(normalizer).build();

    joiner.startTrack(TrackLoudness.of(-14.0, -30.0));
    feed(joiner, first, CD, new Random(4));
    joiner.startTrack(TrackLoudness.of(-20.0, -30.0));
    feed(joiner, second, CD, new Random(5));
    joiner.finish();

    int[] out = sink.samples();
    int boosted = (int) Math.rint(1000 * Math.pow(10, 6.0 / 20));
    assertThat(Arrays.copyOfRange(out, 0, first.length)).containsOnly(1000);
    assertThat(Arrays.copyOfRange(out, first.length, out.length)).containsOnly(boosted);
    assertThat(out).hasSize(first.length + second.length);
  }

  @Test
  void write_loudAcrossTracks_limiterContinues() throws IOException {
    Random random = new Random(6);
    double[] signal =
        TestSignals.stereo1k(
            44_100, TestSignals.segment(-10.0, 1.0), TestSignals.segment(-2.0, 1.0));
    int[] all = TestSignals.quantise(signal, 16);
    int[] first = Arrays.copyOfRange(all, 0, 2 * 44_100);
    int[] second = Arrays.copyOfRange(all, 2 * 44_100, all.length);
    TrackLoudness loudness = TrackLoudness.of(-9.0, -2.0);
    RecordingSink sink = new RecordingSink();
    GaplessJoiner joiner =
        GaplessJoiner.builder(sink)
            .normalizer(LoudnessNormalizer.builder().mode(NormalizationMode.LOUD).build())
            .build();

    joiner.startTrack(loudness);
    feed(joiner, first, CD, random);
    joiner.startTrack(loudness);
    feed(joiner, second, CD, random);
    joiner.finish();

    // The same samples through one normalizer without a track boundary.
    LoudnessNormalizer reference =
        LoudnessNormalizer.builder().mode(NormalizationMode.LOUD).build();
    reference.open(CD);
    reference.setTrackLoudness(loudness);
    int[] expected = new int[all.length];
    int written = reference.process(all, all.length / 2, expected);
    int[] rest = new int[2 * reference.latencyFrames()];
    int flushed = reference.flush(rest);
    System.arraycopy(rest, 0, expected, 2 * written, 2 * flushed);

    PcmAssert.assertSamplesEqual(sink.samples(), expected);
    assertThat(joiner.framesOut()).isEqualTo(all.length / 2);
  }

  @Test
  void write_loudFormatChange_flushesLimiter() throws IOException {
    Random random = new Random(7);
    int[] cd = randomTrack(random, 5000, 2, 16);
    int[] hiRes = randomTrack(random, 5000, 2, 24);
    RecordingSink sink = new RecordingSink();
    GaplessJoiner joiner =
        GaplessJoiner.builder(sink)
            .normalizer(LoudnessNormalizer.builder().mode(NormalizationMode.LOUD).build())
            .build();

    joiner.startTrack(TrackLoudness.of(-11.0, -30.0));
    feed(joiner, cd, CD, random);
    joiner.startTrack(TrackLoudness.of(-11.0, -30.0));
    feed(joiner, hiRes, HI_RES, random);
    joiner.finish();

    assertThat(sink.segments.get(0)).hasSize(cd.length);
    assertThat(sink.samples()).hasSize(hiRes.length);
    assertThat(joiner.framesOut()).isEqualTo(joiner.framesIn());
  }

  @Test
  void finish_withoutWrites_touchesNothing() throws IOException {
    RecordingSink sink = new RecordingSink();
    GaplessJoiner joiner = GaplessJoiner.builder(sink).build();

    joiner.finish();

    assertThat(sink.calls).isEmpty();
  }

  @Test
  void write_framesBeyondArray_throws() {
    GaplessJoiner joiner = GaplessJoiner.builder(new RecordingSink()).build();

    assertThatThrownBy(() -> joiner.write(new int[4], 3, CD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frames");
  }

  private static int[] readAll(WavReader reader) throws IOException {
    PcmBuffer buffer = new PcmBuffer();
    int channels = reader.format().channels();
    int[] all = new int[0];
    int total = 0;
    int frames;
    while ((frames = reader.read(buffer)) > 0) {
      all = Arrays.copyOf(all, (total + frames) * channels);
      System.arraycopy(buffer.samples, 0, all, total * channels, frames * channels);
      total += frames;
    }
    return all;
  }
}
