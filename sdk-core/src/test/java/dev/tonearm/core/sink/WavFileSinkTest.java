package dev.tonearm.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.testing.ExternalTool;
import dev.tonearm.testing.PcmAssert;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavFileSinkTest {
  @TempDir Path dir;

  private static int[] randomSamples(int count, int bits, long seed) {
    Random random = new Random(seed);
    int[] samples = new int[count];
    long range = 1L << bits;
    for (int i = 0; i < count; i++) {
      samples[i] = (int) ((random.nextLong() & (range - 1)) - range / 2);
    }
    // Include both extremes of the range.
    samples[0] = (int) (-range / 2);
    samples[count - 1] = (int) (range / 2 - 1);
    return samples;
  }

  private static int[] readAll(Path path) throws IOException {
    try (WavReader reader = WavReader.open(path)) {
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
      assertThat(reader.warnings()).isEmpty();
      return all;
    }
  }

  private static ByteBuffer bytes(Path path) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String fourCc(ByteBuffer b, int offset) {
    byte[] id = new byte[4];
    for (int i = 0; i < 4; i++) {
      id[i] = b.get(offset + i);
    }
    return new String(id, StandardCharsets.US_ASCII);
  }

  @Test
  void close_stereo16_writesPlainPcmHeaderAndSizes() throws IOException {
    Path path = dir.resolve("cd.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(44_100, 2, 16));
      sink.write(new int[] {1, -1, 0x1234, -0x1234}, 2);
    }

    ByteBuffer b = bytes(path);
    assertThat(b.capacity()).isEqualTo(44 + 8);
    assertThat(fourCc(b, 0)).isEqualTo("RIFF");
    assertThat(b.getInt(4)).isEqualTo(36 + 8);
    assertThat(fourCc(b, 8)).isEqualTo("WAVE");
    assertThat(fourCc(b, 12)).isEqualTo("fmt ");
    assertThat(b.getInt(16)).isEqualTo(16);
    assertThat(b.getShort(20)).isEqualTo((short) 1);
    assertThat(b.getShort(22)).isEqualTo((short) 2);
    assertThat(b.getInt(24)).isEqualTo(44_100);
    assertThat(b.getInt(28)).isEqualTo(44_100 * 4);
    assertThat(b.getShort(32)).isEqualTo((short) 4);
    assertThat(b.getShort(34)).isEqualTo((short) 16);
    assertThat(fourCc(b, 36)).isEqualTo("data");
    assertThat(b.getInt(40)).isEqualTo(8);
    assertThat(b.getShort(44)).isEqualTo((short) 1);
    assertThat(b.getShort(46)).isEqualTo((short) -1);
    assertThat(b.getShort(48)).isEqualTo((short) 0x1234);
  }

  @ParameterizedTest(name = "{0} ch, {1} bit -> mask {2}")
  @CsvSource({"2, 24, 3", "6, 16, 63", "8, 16, 1599", "1, 12, 4", "3, 8, 7"})
  void close_extensibleCases_writeValidBitsMaskAndGuid(int channels, int bits, int mask)
      throws IOException {
    Path path = dir.resolve("ext.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(48_000, channels, bits));
      sink.write(new int[channels], 1);
    }

    ByteBuffer b = bytes(path);
    int container = (bits + 7) / 8 * 8;
    assertThat(b.getInt(16)).isEqualTo(40);
    assertThat(b.getShort(20) & 0xFFFF).isEqualTo(0xFFFE);
    assertThat(b.getShort(34)).isEqualTo((short) container);
    assertThat(b.getShort(36)).isEqualTo((short) 22);
    assertThat(b.getShort(38)).isEqualTo((short) bits);
    assertThat(b.getInt(40)).isEqualTo(mask);
    assertThat(b.getShort(44)).isEqualTo((short) 1);
    assertThat(b.getLong(52)).isEqualTo(0x719B3800AA000080L);
    assertThat(fourCc(b, 60)).isEqualTo("data");
    assertThat(b.getInt(64)).isEqualTo(channels * container / 8);
  }

  @Test
  void write_twelveBit_leftJustifiesInContainer() throws IOException {
    Path path = dir.resolve("twelve.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(8000, 1, 12));
      sink.write(new int[] {1, -2048}, 2);
    }

    ByteBuffer b = bytes(path);
    assertThat(b.getShort(68)).isEqualTo((short) 0x10);
    assertThat(b.getShort(70)).isEqualTo((short) 0x8000);
  }

  @Test
  void write_eightBitOdd_unsignedAndPadded() throws IOException {
    Path path = dir.resolve("eight.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(8000, 1, 8));
      sink.write(new int[] {-128, 0, 127}, 3);
    }

    ByteBuffer b = bytes(path);
    assertThat(b.capacity()).isEqualTo(44 + 3 + 1);
    assertThat(b.getInt(40)).isEqualTo(3);
    assertThat(b.getInt(4)).isEqualTo(36 + 3 + 1);
    assertThat(b.get(44) & 0xFF).isEqualTo(0x00);
    assertThat(b.get(45) & 0xFF).isEqualTo(0x80);
    assertThat(b.get(46) & 0xFF).isEqualTo(0xFF);
  }

  @ParameterizedTest(name = "{0} ch, {1} bit")
  @CsvSource({
    "1, 8", "2, 8", "1, 12", "2, 16", "6, 16", "2, 20", "2, 24", "8, 24", "2, 32", "5, 32"
  })
  void write_anyLayout_readsBackIdentically(int channels, int bits) throws IOException {
    Path path = dir.resolve("round.wav");
    int[] samples = randomSamples(channels * 100_001, bits, channels * 100 + bits);
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(96_000, channels, bits));
      // Uneven write sizes, larger and smaller than the sink's buffer.
      int frame = 0;
      int step = 1;
      while (frame < 100_001) {
        int count = Math.min(step, 100_001 - frame);
        sink.write(
            Arrays.copyOfRange(samples, frame * channels, (frame + count) * channels), count);
        frame += count;
        step = step * 3 + 1;
      }
      assertThat(sink.framesWritten()).isEqualTo(100_001);
    }

    PcmAssert.assertSamplesEqual(readAll(path), samples);
  }

  @ParameterizedTest(name = "{0} ch, {1} bit")
  @CsvSource({"2, 16", "6, 24", "1, 8", "2, 32"})
  void write_byteAlignedLayouts_soxReadsSameSamples(int channels, int bits) throws Exception {
    ExternalTool.require("sox");
    Path path = dir.resolve("sox-check.wav");
    Path raw = dir.resolve("sox-check.raw");
    int[] samples = randomSamples(channels * 4800, bits, 99);
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(48_000, channels, bits));
      sink.write(samples, 4800);
    }

    String info = ExternalTool.run("sox", "--i", path.toString());
    assertThat(info).containsPattern("Channels\\s*: " + channels);
    assertThat(info).containsPattern("Sample Rate\\s*: 48000");
    assertThat(info).containsPattern("Precision\\s*: " + bits + "-bit");
    ExternalTool.run(
        "sox",
        path.toString(),
        "-t",
        "raw",
        "-e",
        "signed-integer",
        "-b",
        "32",
        "-L",
        raw.toString());
    ByteBuffer reference = bytes(raw);
    assertThat(reference.capacity()).isEqualTo(samples.length * 4);
    for (int i = 0; i < samples.length; i++) {
      assertThat(reference.getInt(i * 4) >> (32 - bits)).as("sample %d", i).isEqualTo(samples[i]);
    }
  }

  @Test
  void open_formatChangeNewFile_numbersFiles() throws IOException {
    Path path = dir.resolve("play.wav");
    WavFileSink sink = WavFileSink.builder(path).build();
    sink.open(new PcmFormat(44_100, 2, 16));
    sink.write(new int[] {1, 2, 3, 4}, 2);
    sink.drain();
    sink.open(new PcmFormat(48_000, 2, 24));
    sink.write(new int[] {5, 6}, 1);
    sink.drain();
    sink.open(new PcmFormat(44_100, 2, 16));
    sink.write(new int[] {7, 8}, 1);
    sink.close();

    assertThat(sink.files())
        .containsExactly(path, dir.resolve("play-2.wav"), dir.resolve("play-3.wav"));
    assertThat(readAll(path)).containsExactly(1, 2, 3, 4);
    assertThat(readAll(dir.resolve("play-2.wav"))).containsExactly(5, 6);
    assertThat(readAll(dir.resolve("play-3.wav"))).containsExactly(7, 8);
    assertThat(sink.framesWritten()).isEqualTo(4);
  }

  @Test
  void open_formatChangeReject_throws() throws IOException {
    Path path = dir.resolve("strict.wav");
    WavFileSink sink =
        WavFileSink.builder(path).formatChangePolicy(WavFileSink.FormatChangePolicy.REJECT).build();
    sink.open(new PcmFormat(44_100, 2, 16));
    sink.write(new int[] {1, 2}, 1);

    assertThatThrownBy(() -> sink.open(new PcmFormat(48_000, 2, 16)))
        .isInstanceOf(AudioSinkException.class)
        .hasMessageContaining("44100 Hz")
        .hasMessageContaining("48000 Hz")
        .satisfies(
            e ->
                assertThat(((AudioSinkException) e).reason())
                    .isEqualTo(AudioSinkException.Reason.FORMAT_CHANGE_REJECTED));
    sink.write(new int[] {3, 4}, 1);
    sink.close();
    assertThat(readAll(path)).containsExactly(1, 2, 3, 4);
    assertThat(sink.files()).containsExactly(path);
  }

  @Test
  void open_sameFormatAgain_continuesFile() throws IOException {
    Path path = dir.resolve("same.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(44_100, 1, 16));
      sink.write(new int[] {1}, 1);
      sink.drain();
      sink.open(new PcmFormat(44_100, 1, 16));
      sink.write(new int[] {2}, 1);
      assertThat(sink.files()).containsExactly(path);
    }

    assertThat(readAll(path)).containsExactly(1, 2);
  }

  @Test
  void drain_whileOpen_leavesReadableFile() throws IOException {
    Path path = dir.resolve("live.wav");
    try (WavFileSink sink = WavFileSink.builder(path).build()) {
      sink.open(new PcmFormat(44_100, 2, 16));
      sink.write(randomSamples(2 * 50_000, 16, 5), 50_000);
      sink.drain();

      assertThat(readAll(path)).hasSize(2 * 50_000);
      assertThat(sink.isRealTime()).isFalse();
    }
  }

  @Test
  void write_pastSizeLimit_throws() throws IOException {
    Path path = dir.resolve("limit.wav");
    WavFileSink sink = WavFileSink.builder(path).maxDataBytes(10).build();
    sink.open(new PcmFormat(8000, 1, 16));
    sink.write(new int[] {1, 2, 3, 4}, 4);

    assertThatThrownBy(() -> sink.write(new int[] {5, 6}, 2))
        .isInstanceOf(AudioSinkException.class)
        .satisfies(
            e ->
                assertThat(((AudioSinkException) e).reason())
                    .isEqualTo(AudioSinkException.Reason.SIZE_LIMIT_EXCEEDED));
    sink.close();
    assertThat(readAll(path)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void open_byteRateBeyondRiff_throwsUnsupportedFormat() {
    WavFileSink sink = WavFileSink.builder(dir.resolve("fast.wav")).build();

    assertThatThrownBy(() -> sink.open(new PcmFormat(4_000_000_000L, 8, 32)))
        .isInstanceOf(AudioSinkException.class)
        .satisfies(
            e ->
                assertThat(((AudioSinkException) e).reason())
                    .isEqualTo(AudioSinkException.Reason.UNSUPPORTED_FORMAT));
  }

  @Test
  void open_missingDirectory_throwsIoError() {
    WavFileSink sink = WavFileSink.builder(dir.resolve("missing/out.wav")).build();

    assertThatThrownBy(() -> sink.open(new PcmFormat(44_100, 2, 16)))
        .isInstanceOf(AudioSinkException.class)
        .hasMessageContaining("missing")
        .satisfies(
            e ->
                assertThat(((AudioSinkException) e).reason())
                    .isEqualTo(AudioSinkException.Reason.IO_ERROR));
  }

  @Test
  void write_wrongState_throws() throws IOException {
    WavFileSink sink = WavFileSink.builder(dir.resolve("state.wav")).build();

    assertThatThrownBy(() -> sink.write(new int[2], 1)).isInstanceOf(IllegalStateException.class);
    sink.close();
    assertThatThrownBy(() -> sink.open(new PcmFormat(44_100, 2, 16)))
        .isInstanceOf(IllegalStateException.class);
  }
}
