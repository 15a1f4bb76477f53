package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams made during the test with {@code sox} and {@code oggenc}: channel counts the corpus
 * lacks (3, 4, 5, 7 and 8) and sample rates from 8 kHz to 192 kHz. Each channel carries its own
 * tone, so the output channel order can be checked against the WAVE order of the input; samples
 * are compared with {@code oggdec} within one LSB. Skipped with a message when the tools are
 * missing.
 */
class VorbisEncodedSignalTest {
  private static final int[] TONES_HZ = {300, 500, 700, 900, 1100, 1300, 1500, 1700};

  @TempDir Path temp;

  @BeforeEach
  void requireTools() {
    for (String tool : new String[] {"sox", "oggenc", "oggdec"}) {
      assumeTrue(ExternalTools.isAvailable(tool),
          tool + " not installed (Debian packages sox and vorbis-tools); skipping");
    }
  }

  @ParameterizedTest(name = "{0} channels")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void channelCount_outputsWaveOrderAndMatchesOggdec(int channels) throws Exception {
    Path ogg = encode(48_000, channels);
    float[][] power = new float[channels][TONES_HZ.length];
    long frames = 0;
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(ogg))) {
      assertThat(decoder.format().channels()).isEqualTo(channels);
      PcmBuffer buffer = new PcmBuffer();
      List<int[]> blocks = new ArrayList<>();
      int count;
      while ((count = decoder.read(buffer)) > 0) {
        blocks.add(Arrays.copyOf(buffer.samples, count * channels));
        frames += count;
      }
      int[] all = new int[(int) frames * channels];
      int offset = 0;
      for (int[] block : blocks) {
        System.arraycopy(block, 0, all, offset, block.length);
        offset += block.length;
      }
      for (int c = 0; c < channels; c++) {
        for (int t = 0; t < channels; t++) {
          power[c][t] = goertzel(all, channels, c, TONES_HZ[t], 48_000);
        }
      }
    }
    for (int c = 0; c < channels; c++) {
      int loudest = 0;
      for (int t = 1; t < channels; t++) {
        if (power[c][t] > power[c][loudest]) {
          loudest = t;
        }
      }
      assertThat(TONES_HZ[loudest]).as("dominant tone of output channel %d", c)
          .isEqualTo(TONES_HZ[c]);
    }
    assertMatchesOggdec(ogg);
  }

  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(ints = {8_000, 11_025, 22_050, 32_000, 44_100, 96_000, 192_000})
  void sampleRate_decodesLikeOggdec(int rateHz) throws Exception {
    Path ogg = encode(rateHz, 2);
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(ogg))) {
      assertThat(decoder.format().sampleRateHz()).isEqualTo(rateHz);
    }
    assertMatchesOggdec(ogg);
  }

  private Path encode(int rateHz, int channels) throws Exception {
    Path wav = temp.resolve("tones-" + rateHz + "-" + channels + ".wav");
    Path ogg = temp.resolve("tones-" + rateHz + "-" + channels + ".ogg");
    List<String> sox = new ArrayList<>(List.of("sox", "-n", "-r", String.valueOf(rateHz), "-c",
        String.valueOf(channels), "-b", "16", wav.toString(), "synth", "0.7"));
    for (int c = 0; c < channels; c++) {
      sox.add("sine");
      sox.add(String.valueOf(TONES_HZ[c]));
    }
    sox.add("gain");
    sox.add("-8");
    run(sox);
    run(List.of("oggenc", "-Q", "-q", "4", "-o", ogg.toString(), wav.toString()));
    return ogg;
  }

  private static void assertMatchesOggdec(Path ogg) throws Exception {
    Process oggdec = new ProcessBuilder("oggdec", "-Q", "-R", "-b", "16", "-e", "0", "-s", "1",
        "-o", "-", ogg.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (InputStream reference = oggdec.getInputStream();
        VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(ogg))) {
      PcmComparator comparator = new PcmComparator(reference, 1);
      PcmBuffer buffer = new PcmBuffer();
      int count;
      while ((count = decoder.read(buffer)) > 0) {
        comparator.compare(buffer.samples, count, buffer.format.channels());
      }
      assertThat(comparator.referenceHasMore()).as("oggdec output left over").isFalse();
      assertThat(comparator.referenceShortfallSamples).isZero();
      assertThat(comparator.comparedSamples).isPositive();
      assertThat(comparator.firstMismatchSample)
          .as("first sample beyond 1 LSB (max difference %d)", comparator.maxDifference)
          .isEqualTo(-1);
    } finally {
      oggdec.destroy();
      oggdec.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(process.exitValue()).as("exit status of %s", command).isZero();
  }

  /** Power of {@code frequencyHz} in one channel of interleaved samples. */
  private static float goertzel(int[] samples, int channels, int channel, int frequencyHz,
      int rateHz) {
    double coefficient = 2 * Math.cos(2 * Math.PI * frequencyHz / rateHz);
    double previous = 0;
    double beforePrevious = 0;
    for (int i = channel; i < samples.length; i += channels) {
      double current = samples[i] + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    return (float) (previous * previous + beforePrevious * beforePrevious
        - coefficient * previous * beforePrevious);
  }
}
