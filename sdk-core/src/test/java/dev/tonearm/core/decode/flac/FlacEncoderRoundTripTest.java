package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encodes generated PCM with the reference {@code flac} encoder (libFLAC 1.4 or later) and checks
 * that the decoder returns exactly the samples that went in. This covers what the testbench corpus
 * lacks. It encodes every bit depth from 4 to 32, including the 33-bit side channel of 32-bit
 * stereo, and 1 to 8 channels. It also covers block sizes 16 and 65535, LPC order 32 with 15-bit
 * coefficients, partition order 15 and sample rates coded in each header form.
 *
 * <p>The signal mixes correlated tones (so the encoder picks LPC and stereo decorrelation),
 * full-scale noise (verbatim subframes), silence (constant subframes) and samples with zero low
 * bits (wasted bits). {@code flac --analyze} lists what each file uses, and a final check asserts
 * that all channel assignments and subframe types were exercised.
 *
 * <p>Skipped when the {@code flac} command is not installed.
 */
class FlacEncoderRoundTripTest {
  private static final Pattern ASSIGNMENT = Pattern.compile("channel_assignment=([A-Z_]+)");
  private static final Pattern PARTITION_ORDER = Pattern.compile("partition_order=(\\d+)");
  private static final Pattern SUBFRAME =
      Pattern.compile("subframe=\\d+\\s+wasted_bits=(\\d+)\\s+type=([A-Z]+)");

  /** WAVE speaker masks in FLAC channel order, by channel count. */
  private static final int[] CHANNEL_MASKS = {0, 0x4, 0x3, 0x7, 0x33, 0x607, 0x60F, 0x70F, 0x63F};

  private static final Set<String> featuresSeen = new TreeSet<>();

  @TempDir static Path tempDir;

  @BeforeAll
  static void requireFlac() {
    assumeTrue(canRun("flac", "--version"), "flac command not found; install the flac package");
  }

  @AfterAll
  static void allFeaturesExercised() {
    assertThat(featuresSeen)
        .contains(
            "INDEPENDENT",
            "LEFT_SIDE",
            "RIGHT_SIDE",
            "MID_SIDE",
            "CONSTANT",
            "VERBATIM",
            "FIXED",
            "LPC",
            "WASTED_BITS",
            "PARTITION_ORDER_15");
  }

  @TestFactory
  List<DynamicTest> encodedPcm_decodes_toIdenticalSamples() {
    List<Case> cases = new ArrayList<>();
    for (int bits = 4; bits <= 32; bits++) {
      cases.add(new Case(bits, 2, 44100, 7 * 4096 + 100, "-m"));
    }
    for (int channels = 1; channels <= 8; channels++) {
      cases.add(new Case(16, channels, 48000, 2 * 4096 + 7, "-8"));
      cases.add(new Case(24, channels, 96000, 2 * 4096 + 7, "-5"));
    }
    cases.add(new Case(32, 2, 44100, 3 * 4096, "-8"));
    cases.add(new Case(32, 2, 44100, 3 * 4096, "-M"));
    cases.add(new Case(32, 1, 44100, 2 * 4096, "-l 32 -q 15"));
    cases.add(new Case(32, 2, 44100, 7 * 4096, "-l 32 -q 15 -m"));
    cases.add(new Case(24, 2, 96000, 2 * 4096, "-l 32 -q 15 -m"));
    cases.add(new Case(16, 2, 44100, 3 * 4096, "-e -p -m"));
    cases.add(new Case(16, 2, 44100, 3 * 4096, "-0"));
    cases.add(new Case(16, 2, 44100, 200, "-b 16 -m"));
    cases.add(new Case(16, 2, 44100, 65535 * 2 + 3, "-b 65535 -m"));
    cases.add(new Case(24, 2, 44100, 32768 * 2, "-b 32768 -r 15 -m"));
    cases.add(new Case(24, 1, 44100, 32768 * 2, "-b 32768 -r 15").alternatingNoise());
    cases.add(new Case(16, 1, 8000, 5000, "-5"));
    cases.add(new Case(16, 1, 22000, 5000, "-5"));
    cases.add(new Case(16, 1, 11025, 5000, "-5"));
    cases.add(new Case(16, 1, 352800, 5000, "-5"));
    cases.add(new Case(16, 1, 1000001, 5000, "-5"));

    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(DynamicTest.dynamicTest(c.toString(), () -> roundTrip(c)));
    }
    return tests;
  }

  private static void roundTrip(Case c) throws Exception {
    long seed = c.toString().hashCode();
    int[] pcm =
        c.alternatingNoise
            ? Signal.alternatingNoise(c.bits, c.channels, c.frames, seed)
            : Signal.generate(c.bits, c.channels, c.frames, seed);
    Path wav = tempDir.resolve(c.fileStem() + ".wav");
    Path flac = tempDir.resolve(c.fileStem() + ".flac");
    writeWav(wav, pcm, c.channels, c.bits, c.rateHz);
    List<String> command = new ArrayList<>(Arrays.asList("flac", "-s", "-f", "--lax"));
    command.addAll(Arrays.asList(c.options.split(" ")));
    command.addAll(Arrays.asList("-o", flac.toString(), wav.toString()));
    assertThat(run(command)).as("flac exit status for " + command).isZero();

    try (FlacDecoder decoder = FlacTestSupport.open(flac)) {
      assertThat(decoder.format().bitsPerSample()).isEqualTo(c.bits);
      assertThat(decoder.format().channels()).isEqualTo(c.channels);
      assertThat(decoder.format().sampleRateHz()).isEqualTo(c.rateHz);
      Decoded decoded = FlacTestSupport.decodeAll(decoder, true);

      assertThat(decoded.frames).isEqualTo(c.frames);
      assertThat(firstMismatch(decoded.samples, pcm)).as("first differing sample").isEqualTo(-1);
      assertThat(decoded.md5Hex).isEqualTo(decoder.streamInfo().md5Hex());
      assertThat(decoded.warnings).isEmpty();
    }
    Set<String> features = recordFeatures(flac);
    if (c.bits >= 31 && c.channels == 2 && c.options.contains("-m")) {
      // The side channel of these frames needs 32 or 33 bits.
      assertThat(features).contains("LEFT_SIDE", "RIGHT_SIDE", "MID_SIDE");
    }
  }

  private static int firstMismatch(int[] actual, int[] expected) {
    int n = Math.min(actual.length, expected.length);
    for (int i = 0; i < n; i++) {
      if (actual[i] != expected[i]) {
        return i;
      }
    }
    return actual.length == expected.length ? -1 : n;
  }

  /** Returns the channel assignments and subframe kinds that {@code flac -a} reports. */
  private static Set<String> recordFeatures(Path flac) throws Exception {
    Path analysis = tempDir.resolve(flac.getFileName() + ".ana");
    assertThat(
            run(
                Arrays.asList(
                    "flac", "-a", "-s", "-f", "-o", analysis.toString(), flac.toString())))
        .isZero();
    String text = new String(Files.readAllBytes(analysis), StandardCharsets.UTF_8);

    Set<String> features = new TreeSet<>();
    Matcher assignment = ASSIGNMENT.matcher(text);
    while (assignment.find()) {
      features.add(assignment.group(1));
    }
    Matcher subframe = SUBFRAME.matcher(text);
    while (subframe.find()) {
      features.add(subframe.group(2));
      if (!subframe.group(1).equals("0")) {
        features.add("WASTED_BITS");
      }
    }
    Matcher partitionOrder = PARTITION_ORDER.matcher(text);
    while (partitionOrder.find()) {
      if (partitionOrder.group(1).equals("15")) {
        features.add("PARTITION_ORDER_15");
      }
    }
    Files.delete(analysis);
    synchronized (featuresSeen) {
      featuresSeen.addAll(features);
    }
    return features;
  }

  /** Writes a WAVE_FORMAT_EXTENSIBLE file with samples left-justified in whole bytes. */
  static void writeWav(Path path, int[] pcm, int channels, int bits, int rateHz)
      throws IOException {
    int containerBytes = (bits + 7) / 8;
    int shift = containerBytes * 8 - bits;
    byte[] data = new byte[pcm.length * containerBytes];
    int o = 0;
    for (int sample : pcm) {
      int v = sample << shift;
      if (containerBytes == 1) {
        data[o++] = (byte) (v + 128);
      } else {
        for (int b = 0; b < containerBytes; b++) {
          data[o++] = (byte) (v >> (8 * b));
        }
      }
    }
    int blockAlign = channels * containerBytes;
    java.nio.ByteBuffer header =
        java.nio.ByteBuffer.allocate(68).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(60 + data.length);
    header.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    header.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(40);
    header.putShort((short) 0xFFFE).putShort((short) channels).putInt(rateHz);
    header.putInt(rateHz * blockAlign).putShort((short) blockAlign);
    header.putShort((short) (containerBytes * 8)).putShort((short) 22).putShort((short) bits);
    header.putInt(CHANNEL_MASKS[channels]);
    // KSDATAFORMAT_SUBTYPE_PCM
    header.put(
        new byte[] {
          1, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71
        });
    header.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length);
    try (OutputStream out = Files.newOutputStream(path)) {
      out.write(header.array());
      out.write(data);
    }
  }

  static int run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return process.exitValue();
  }

  static boolean canRun(String... command) {
    try {
      return run(Arrays.asList(command)) == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** One encoder run: PCM shape and flac options. */
  private static final class Case {
    final int bits;
    final int channels;
    final int rateHz;
    final int frames;
    final String options;
    boolean alternatingNoise;

    Case(int bits, int channels, int rateHz, int frames, String options) {
      this.bits = bits;
      this.channels = channels;
      this.rateHz = rateHz;
      this.frames = frames;
      this.options = options;
    }

    /** Uses {@link Signal#alternatingNoise} instead of the mixed signal. */
    Case alternatingNoise() {
      alternatingNoise = true;
      return this;
    }

    String fileStem() {
      return bits
          + "b-"
          + channels
          + "ch-"
          + rateHz
          + "-"
          + frames
          + options.replace(' ', '_')
          + (alternatingNoise ? "-alternating" : "");
    }

    @Override
    public String toString() {
      return bits
          + " bit, "
          + channels
          + " ch, "
          + rateHz
          + " Hz, "
          + frames
          + " frames, "
          + options
          + (alternatingNoise ? ", alternating noise" : "");
    }
  }

  /** Deterministic test signals that steer the encoder into every subframe type. */
  static final class Signal {
    private Signal() {}

    /**
     * Returns interleaved samples in seven equal parts.
     *
     * <ol>
     *   <li>Correlated tones with a little noise.
     *   <li>Full-scale noise.
     *   <li>Silence on even channels, tones on odd ones.
     *   <li>Tones with the low three bits cleared.
     *   <li>One loud tone with noise added to even channels and subtracted from odd ones, which
     *       favours mid/side coding.
     *   <li>A pure tone on even channels and the tone plus noise on odd ones, which favours
     *       left/side coding.
     *   <li>The reverse, which favours right/side coding.
     * </ol>
     */
    static int[] generate(int bits, int channels, int frames, long seed) {
      Random random = new Random(seed);
      long max = (1L << (bits - 1)) - 1;
      long min = -(1L << (bits - 1));
      int[] out = new int[frames * channels];
      int seventh = Math.max(1, frames / 7);
      double noiseAmplitude = Math.max(1, max / 2000.0);
      for (int i = 0; i < frames; i++) {
        int part = Math.min(6, i / seventh);
        double spread = random.nextGaussian() * noiseAmplitude * 20;
        double tone =
            0.6 * Math.sin(i * 0.013) + 0.25 * Math.sin(i * 0.071 + 1) + 0.1 * Math.sin(i * 0.31);
        for (int ch = 0; ch < channels; ch++) {
          double gain = 1.0 - 0.07 * ch;
          long value;
          switch (part) {
            case 0:
              value = Math.round(tone * gain * max + random.nextGaussian() * noiseAmplitude);
              break;
            case 1:
              value = min + (long) (random.nextDouble() * ((double) max - min + 1));
              break;
            case 2:
              value = ch % 2 == 0 ? 0 : Math.round(tone * gain * max * 0.5);
              break;
            case 3:
              value = Math.round(tone * gain * max * 0.9) & ~7L;
              break;
            case 4:
              value = Math.round(tone * max * 0.9 + (ch % 2 == 0 ? spread : -spread));
              break;
            case 5:
              value = Math.round(tone * max * 0.9 + (ch % 2 == 0 ? 0 : spread * 5));
              break;
            default:
              value = Math.round(tone * max * 0.9 + (ch % 2 == 0 ? spread * 5 : 0));
              break;
          }
          out[i * channels + ch] = (int) Math.max(min, Math.min(max, value));
        }
      }
      return out;
    }

    /**
     * Returns white noise whose amplitude alternates between tiny and large from one sample to the
     * next. The best Rice coding then gives every sample its own partition, which at block size
     * 32768 is partition order 15, the format maximum.
     */
    static int[] alternatingNoise(int bits, int channels, int frames, long seed) {
      Random random = new Random(seed);
      long max = (1L << (bits - 1)) - 1;
      int[] out = new int[frames * channels];
      for (int i = 0; i < out.length; i++) {
        double amplitude = (i / channels) % 2 == 0 ? 3 : max / 8.0;
        long value = Math.round(random.nextGaussian() * amplitude);
        out[i] = (int) Math.max(-max - 1, Math.min(max, value));
      }
      return out;
    }
  }
}
