package dev.tonearm.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.testing.ExternalTool;
import dev.tonearm.testing.PcmAssert;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavReaderTest {
  @TempDir Path dir;

  /** Reads every frame of {@code reader} into one interleaved array. */
  static int[] readAll(Decoder reader) throws IOException {
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

  /**
   * sox writes the file (WAVE_FORMAT_EXTENSIBLE for more than 2 channels or 16 bits, unsigned
   * 8-bit) and also converts it to raw 32-bit signed samples, the reference for the reader.
   */
  @ParameterizedTest(name = "{0} Hz, {1} ch, {2} bit")
  @CsvSource({
    "44100, 1, 8",
    "44100, 2, 16",
    "48000, 2, 24",
    "48000, 2, 32",
    "22050, 6, 16",
    "96000, 8, 24",
    "8000, 3, 8",
  })
  void read_soxGeneratedFile_matchesSoxRawDecode(long rateHz, int channels, int bits)
      throws Exception {
    Path wav = dir.resolve("sox.wav");
    Path raw = dir.resolve("sox.raw");
    String encoding = bits == 8 ? "unsigned-integer" : "signed-integer";
    ExternalTool.run(
        "sox",
        "-n",
        "-r",
        String.valueOf(rateHz),
        "-b",
        String.valueOf(bits),
        "-e",
        encoding,
        "-c",
        String.valueOf(channels),
        wav.toString(),
        "synth",
        "0.3",
        "sine",
        "440",
        "sine",
        "1250",
        "pinknoise",
        "gain",
        "-3");
    ExternalTool.run(
        "sox",
        wav.toString(),
        "-t",
        "raw",
        "-e",
        "signed-integer",
        "-b",
        "32",
        "-L",
        raw.toString());
    ByteBuffer reference = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
    int[] expected = new int[reference.remaining() / 4];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = reference.getInt() >> (32 - bits);
    }

    try (WavReader reader = WavReader.open(wav)) {
      assertThat(reader.format()).isEqualTo(new PcmFormat(rateHz, channels, bits));
      assertThat(reader.totalFrames()).isEqualTo(expected.length / channels);
      PcmAssert.assertSamplesEqual(readAll(reader), expected);
      assertThat(reader.warnings()).isEmpty();
    }
  }

  @Test
  void read_extraChunks_skipped() throws Exception {
    byte[] file =
        new WavBytes()
            .chunk("LIST", new byte[] {1, 2, 3})
            .fmt(1, 2, 44_100, 4, 16)
            .chunk("junk", new byte[10])
            .data16((short) 1, (short) -2, (short) 3, (short) -4)
            .build();

    try (WavReader reader = WavReader.open(new ByteArrayInputStream(file))) {
      assertThat(readAll(reader)).containsExactly(1, -2, 3, -4);
      assertThat(reader.totalFrames()).isEqualTo(2);
      assertThat(reader.isSeekable()).isFalse();
    }
  }

  @Test
  void read_twelveBitExtensible_shiftsOutPadding() throws Exception {
    // 12 valid bits left-justified in 16: the value 5 is stored as 5 << 4.
    byte[] file =
        new WavBytes()
            .fmtExtensible(1, 8000, 16, 12, 0x4, 1)
            .data16((short) (5 << 4), (short) (-7 << 4), (short) (2047 << 4), (short) (-2048 << 4))
            .build();

    try (WavReader reader = WavReader.open(new ByteArrayInputStream(file))) {
      assertThat(reader.format().bitsPerSample()).isEqualTo(12);
      assertThat(reader.channelMask()).isEqualTo(0x4);
      assertThat(readAll(reader)).containsExactly(5, -7, 2047, -2048);
    }
  }

  @Test
  void read_unknownDataSize_readsToEnd() throws Exception {
    byte[] file =
        new WavBytes()
            .fmt(1, 1, 8000, 2, 16)
            .chunk("data", 0xFFFF_FFFFL, new byte[] {1, 0, 2, 0, 3, 0})
            .build();

    try (WavReader reader = WavReader.open(new ByteArrayInputStream(file))) {
      assertThat(readAll(reader)).containsExactly(1, 2, 3);
      assertThat(reader.warnings()).isEmpty();
      assertThat(reader.totalFrames()).isEqualTo(3);
    }
  }

  @Test
  void read_truncatedData_returnsWholeFramesAndWarns() throws Exception {
    // Declares 8 frames of stereo 16-bit but contains 2 frames and half of a third.
    byte[] file =
        new WavBytes()
            .fmt(1, 2, 8000, 4, 16)
            .chunk("data", 32, new byte[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0})
            .build();

    try (WavReader reader = WavReader.open(new ByteArrayInputStream(file))) {
      assertThat(readAll(reader)).containsExactly(1, 2, 3, 4);
      assertThat(reader.warnings()).hasSize(1);
      assertThat(reader.warnings().get(0).reason()).isEqualTo(Reason.TRUNCATED);
      assertThat(reader.warnings().get(0)).hasMessageContaining("32 bytes");
    }
  }

  @Test
  void seekToFrame_file_readsFromThatFrame() throws Exception {
    short[] samples = new short[2 * 10_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) (i * 3);
    }
    Path wav = dir.resolve("seek.wav");
    Files.write(wav, new WavBytes().fmt(1, 2, 44_100, 4, 16).data16(samples).build());

    try (WavReader reader = WavReader.open(wav)) {
      reader.seekToFrame(7_777);
      PcmBuffer buffer = new PcmBuffer();
      reader.read(buffer);

      assertThat(reader.isSeekable()).isTrue();
      assertThat(buffer.samples[0]).isEqualTo(samples[2 * 7_777]);
      assertThat(buffer.samples[1]).isEqualTo(samples[2 * 7_777 + 1]);
      reader.seekToFrame(10_000);
      assertThat(reader.read(buffer)).isEqualTo(-1);
      assertThat(reader.positionFrames()).isEqualTo(10_000);
    }
  }

  @Test
  void seekToFrame_invalid_throwsTypedErrors() throws Exception {
    Path wav = dir.resolve("short.wav");
    byte[] bytes = new WavBytes().fmt(1, 1, 8000, 2, 16).data16((short) 1, (short) 2).build();
    Files.write(wav, bytes);

    try (WavReader file = WavReader.open(wav);
        WavReader stream = WavReader.open(new ByteArrayInputStream(bytes))) {
      assertReason(() -> file.seekToFrame(3), Reason.SEEK_OUT_OF_RANGE);
      assertReason(() -> file.seekToFrame(-1), Reason.SEEK_OUT_OF_RANGE);
      assertReason(() -> stream.seekToFrame(0), Reason.SEEK_UNSUPPORTED);
    }
  }

  @Test
  void format_malformedHeaders_throwTypedErrors() {
    byte[] pcm = new byte[] {0, 0, 0, 0};
    assertReason(new byte[0], Reason.TRUNCATED);
    assertReason(new byte[] {'R', 'I', 'F', 'F', 0, 0}, Reason.TRUNCATED);
    assertReason(
        new WavBytes().riffId("RIFX").fmt(1, 1, 8000, 2, 16).build(), Reason.UNSUPPORTED_FEATURE);
    assertReason(new WavBytes().riffId("RF64").build(), Reason.UNSUPPORTED_FEATURE);
    assertReason(new WavBytes().riffId("OggS").build(), Reason.UNSUPPORTED_FORMAT);
    assertReason(new WavBytes().waveId("AVI ").build(), Reason.UNSUPPORTED_FORMAT);
    assertReason(
        new WavBytes().fmt(3, 1, 8000, 4, 32).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(
        new WavBytes().fmt(0x55, 1, 8000, 1, 0).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(
        new WavBytes().fmtExtensible(2, 48_000, 32, 32, 3, 3).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(new WavBytes().chunk("fmt ", new byte[12]).build(), Reason.BAD_HEADER);
    assertReason(new WavBytes().chunk("fmt ", new byte[5000]).build(), Reason.LIMIT_EXCEEDED);
    assertReason(
        new WavBytes().chunk("data", pcm).fmt(1, 1, 8000, 2, 16).build(), Reason.BAD_HEADER);
    assertReason(
        new WavBytes().fmt(1, 2, 8000, 3, 16).chunk("data", pcm).build(), Reason.BAD_HEADER);
    assertReason(
        new WavBytes().fmt(1, 0, 8000, 2, 16).chunk("data", pcm).build(), Reason.BAD_HEADER);
    assertReason(
        new WavBytes().fmt(1, 9, 8000, 18, 16).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(
        new WavBytes().fmt(1, 1, 8000, 2, 24).chunk("data", pcm).build(), Reason.BAD_HEADER);
    assertReason(
        new WavBytes().fmt(1, 1, 8000, 8, 64).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(
        new WavBytes().fmt(1, 1, 8000, 1, 2).chunk("data", pcm).build(),
        Reason.UNSUPPORTED_FEATURE);
    assertReason(
        new WavBytes().fmt(1, 1, 8000, 2, 16).fmt(1, 1, 8000, 2, 16).chunk("data", pcm).build(),
        Reason.BAD_HEADER);
    assertReason(
        new WavBytes().fmt(1, 1, 8000, 2, 16).chunk("LIST", 1000, new byte[4]).build(),
        Reason.TRUNCATED);
  }

  @Test
  void format_endlessSmallChunks_stopsAtChunkLimit() {
    WavBytes bytes = new WavBytes().fmt(1, 1, 8000, 2, 16);
    for (int i = 0; i < WavReader.MAX_CHUNKS_BEFORE_DATA; i++) {
      bytes.chunk("pad ", new byte[0]);
    }

    assertReason(bytes.build(), Reason.LIMIT_EXCEEDED);
  }

  @Test
  void format_chunkPastEndOfFile_isTruncated() throws Exception {
    Path wav = dir.resolve("cut.wav");
    Files.write(
        wav, new WavBytes().fmt(1, 1, 8000, 2, 16).chunk("LIST", 1 << 20, new byte[8]).build());

    try (WavReader reader = WavReader.open(wav)) {
      assertReason(reader::format, Reason.TRUNCATED);
    }
  }

  private static void assertReason(byte[] file, Reason reason) {
    WavReader reader = WavReader.open(new ByteArrayInputStream(file));
    assertReason(reader::format, reason);
  }

  private static void assertReason(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOf(DecoderException.class)
        .satisfies(e -> assertThat(((DecoderException) e).reason()).isEqualTo(reason));
  }
}
