package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds truncated and corrupted copies of real FLAC files to the decoder. Each must decode to valid
 * PCM or fail with a {@link DecoderException}, never another exception, and in bounded time.
 * Corruption inside the audio frames must not change the number of samples, because dropped frames
 * are replaced by silence of the same length.
 */
class FlacDamageTest {
  private static final String[] FILES = {
    "flac-test-files/subset/01 - blocksize 4096.flac",
    "flac-test-files/subset/16 - partition order 8 containing escaped partitions.flac",
    "flac-test-files/subset/27 - old format variable blocksize file created with Flake 0.11.flac",
    "flac-test-files/subset/31 - high resolution audio, using only 32nd order predictors.flac",
    "flac-test-files/subset/43 - 8 channels (7.1).flac",
    "flac-test-files/subset/63 - predictor overflow check, 24-bit.flac",
  };

  /** Hang guard only, far above the milliseconds each decode takes. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private static final int CORRUPTION_TRIALS = 12;

  @TempDir Path tempDir;

  @TestFactory
  List<DynamicTest> truncatedFile_decodesCompleteFramesOnly() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String relative : FILES) {
      tests.add(DynamicTest.dynamicTest(relative, () -> checkTruncations(relative)));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> corruptedAudio_decodes_keepsSampleCountAndRange() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String relative : FILES) {
      tests.add(DynamicTest.dynamicTest(relative, () -> checkCorruptedAudio(relative)));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> corruptedAnywhere_decodesOrFailsTyped() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String relative : FILES) {
      tests.add(DynamicTest.dynamicTest(relative, () -> checkCorruptedAnywhere(relative)));
    }
    return tests;
  }

  @Test
  void randomBytesAfterStreamInfo_decodeEndsWithWarningsOnly() throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(FILES[0]));
    int audioStart = audioStart(original);
    byte[] damaged = original.clone();
    new Random(11).nextBytes(damaged);
    System.arraycopy(original, 0, damaged, 0, audioStart);

    Outcome outcome = decode(damaged, false);

    assertThat(outcome.error).isNull();
    assertThat(outcome.warnings).isNotEmpty();
  }

  @Test
  void garbageAfterLastFrame_decodesEverythingWithWarning() throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(FILES[0]));
    byte[] extended = Arrays.copyOf(original, original.length + 5000);
    Random random = new Random(12);
    for (int i = original.length; i < extended.length; i++) {
      extended[i] = (byte) random.nextInt(256);
    }
    Outcome reference = decode(original, false);

    Outcome outcome = decode(extended, false);

    assertThat(outcome.error).isNull();
    assertThat(outcome.samples).isEqualTo(reference.samples);
  }

  /**
   * Every 64 bytes a valid frame header announces 65535-sample verbatim subframes, so each
   * candidate frame reads about 256 KiB before its CRC-16 fails. Restarting the search one byte
   * after each such header without a limit would read the 2 MiB stream about 32,000 times.
   */
  @Test
  void headersThatFailLate_decode_reReadsBoundedBytes() throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(FILES[0]));
    byte[] header = {(byte) 0xFF, (byte) 0xF8, 0x79, 0x18, 0x00, (byte) 0xFF, (byte) 0xFE, 0};
    header[7] = (byte) crc8(header, 0, 7);
    int prefix = 4 + 4 + 34;
    byte[] stream = new byte[prefix + (1 << 21)];
    System.arraycopy(original, 0, stream, 0, prefix);
    stream[4] |= (byte) 0x80; // STREAMINFO becomes the last metadata block.
    for (int unit = prefix; unit + 64 <= stream.length; unit += 64) {
      System.arraycopy(header, 0, stream, unit, header.length);
      Arrays.fill(stream, unit + header.length, unit + 64, (byte) 0x02);
    }
    Path file = tempDir.resolve("late-failures.flac");
    Files.write(file, stream);

    long bytesRead =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> {
              try (CountingSource source = new CountingSource(new FileByteSource(file));
                  FlacDecoder decoder = FlacDecoder.open(source)) {
                PcmBuffer buffer = new PcmBuffer();
                while (decoder.read(buffer) > 0) {
                  // Only silence for dropped frames can come out.
                }
                assertThat(decoder.warnings()).isNotEmpty();
                return source.bytesRead;
              }
            });

    assertThat(bytesRead).isLessThan(4L * stream.length);
  }

  private static int crc8(byte[] data, int offset, int length) {
    int crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc ^= data[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
      }
    }
    return crc;
  }

  @Test
  void laterFrameWithOtherChannelCount_droppedAndFilled() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    Outcome reference = decode(bytes, false);
    int third = nthFrameHeader(bytes, 3);
    FrameHeader header = new FrameHeader();
    assertThat(header.parse(bytes, third, bytes.length - third, true)).isEqualTo(FrameHeader.VALID);
    // Channel assignment 0 (mono) in the high nibble of byte 3, then a matching CRC-8.
    bytes[third + 3] = (byte) (bytes[third + 3] & 0x0F);
    bytes[third + header.lengthBytes - 1] = (byte) crc8(bytes, third, header.lengthBytes - 1);

    Outcome outcome = decode(bytes, true);

    assertThat(outcome.error).isNull();
    assertThat(outcome.samples.length).isEqualTo(reference.samples.length);
    assertThat(outcome.warnings).contains(Reason.CORRUPT_DATA);
    int frameSamples = header.blockSize * 2;
    int[] silence = Arrays.copyOfRange(outcome.samples, 2 * frameSamples, 3 * frameSamples);
    assertThat(silence).containsOnly(0);
    assertThat(Arrays.copyOfRange(reference.samples, 2 * frameSamples, 3 * frameSamples))
        .as("the original third frame is not silent")
        .isNotEqualTo(silence);
    assertThat(Arrays.copyOfRange(outcome.samples, 3 * frameSamples, outcome.samples.length))
        .isEqualTo(Arrays.copyOfRange(reference.samples, 3 * frameSamples, outcome.samples.length));
  }

  /** Offset of the n-th (1-based) valid frame header after the metadata. */
  private static int nthFrameHeader(byte[] bytes, int n) {
    FrameHeader header = new FrameHeader();
    int found = 0;
    for (int i = audioStart(bytes); i < bytes.length - 1; i++) {
      if (header.parse(bytes, i, bytes.length - i, true) == FrameHeader.VALID && ++found == n) {
        return i;
      }
    }
    throw new AssertionError("fewer than " + n + " frames");
  }

  @Test
  void notFlac_open_failsWithUnsupportedFormat() throws Exception {
    byte[] bytes = "RIFF\0\0\0\0WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    DecoderException e =
        catchThrowableOfType(
            DecoderException.class,
            () -> FlacDecoder.open(new InputStreamByteSource(new ByteArrayInputStream(bytes))));

    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void emptyStream_open_failsWithUnsupportedFormat() {
    DecoderException e =
        catchThrowableOfType(
            DecoderException.class,
            () ->
                FlacDecoder.open(new InputStreamByteSource(new ByteArrayInputStream(new byte[0]))));

    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void streamInfoWrongLength_open_failsWithBadHeader() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    bytes[7] = 33; // STREAMINFO block length, low byte; the real value is 34.

    DecoderException e = catchThrowableOfType(DecoderException.class, () -> open(bytes, true));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
    assertThat(e.getMessage()).contains("33 bytes");
  }

  @Test
  void metadataBlockPastEnd_open_failsWithTruncated() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    // Second block header (after the 4-byte marker and 38-byte STREAMINFO): length 0x7FFFFF.
    bytes[43] = 0x7F;
    bytes[44] = (byte) 0xFF;
    bytes[45] = (byte) 0xFF;

    DecoderException e = catchThrowableOfType(DecoderException.class, () -> open(bytes, true));

    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
  }

  @Test
  void invalidMetadataBlockType_open_failsWithBadHeader() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    bytes[42] = (byte) ((bytes[42] & 0x80) | 127);

    DecoderException e = catchThrowableOfType(DecoderException.class, () -> open(bytes, false));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
  }

  @Test
  void missingStreamInfo_open_failsWithBadHeader() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    bytes[4] = 1; // STREAMINFO becomes a PADDING block.

    DecoderException e = catchThrowableOfType(DecoderException.class, () -> open(bytes, true));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
    assertThat(e.getMessage()).contains("STREAMINFO");
  }

  @Test
  void zeroBitsPerSampleInStreamInfo_open_failsWithBadHeader() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    // STREAMINFO body starts at 8; bits per sample - 1 spans bit 0 of byte 20 and the top
    // nibble of byte 21. Setting both to zero declares 1 bit per sample.
    bytes[8 + 12] = (byte) (bytes[8 + 12] & 0xFE);
    bytes[8 + 13] = (byte) (bytes[8 + 13] & 0x0F);

    DecoderException e = catchThrowableOfType(DecoderException.class, () -> open(bytes, true));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
  }

  private void checkTruncations(String relative) throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(relative));
    int audioStart = audioStart(original);
    Outcome reference = decode(original, true);
    List<Integer> cuts = new ArrayList<>(Arrays.asList(2, 20, audioStart - 1, audioStart));
    for (int k = 1; k <= 6; k++) {
      cuts.add(audioStart + (int) ((long) (original.length - audioStart) * k / 7));
    }
    cuts.add(original.length - 1);
    for (int cut : cuts) {
      byte[] truncated = Arrays.copyOf(original, cut);
      for (boolean seekable : new boolean[] {true, false}) {
        Outcome outcome = decode(truncated, seekable);
        String where = "cut at " + cut + (seekable ? " (file)" : " (stream)");
        if (cut < audioStart) {
          assertThat(outcome.error).as(where).isNotNull();
          assertThat(outcome.error.reason())
              .as(where)
              .isIn(Reason.TRUNCATED, Reason.UNSUPPORTED_FORMAT);
          continue;
        }
        assertThat(outcome.error).as(where).isNull();
        assertThat(outcome.samples.length).as(where).isLessThan(reference.samples.length);
        assertThat(outcome.samples)
            .as(where)
            .isEqualTo(Arrays.copyOf(reference.samples, outcome.samples.length));
        assertThat(outcome.warnings).as(where).contains(Reason.TRUNCATED);
      }
    }
  }

  private void checkCorruptedAudio(String relative) throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(relative));
    int audioStart = audioStart(original);
    Outcome reference = decode(original, true);
    Random random = new Random(relative.hashCode());
    for (int trial = 0; trial < CORRUPTION_TRIALS; trial++) {
      byte[] damaged = original.clone();
      int flips = new int[] {1, 3, 20}[trial % 3];
      for (int f = 0; f < flips; f++) {
        int at = audioStart + random.nextInt(original.length - audioStart);
        damaged[at] ^= (byte) (1 + random.nextInt(255));
      }
      boolean seekable = trial % 2 == 0;
      Outcome outcome = decode(damaged, seekable);
      String where = "trial " + trial + " with " + flips + " flipped bytes";

      assertThat(outcome.error).as(where).isNull();
      assertThat(outcome.samples.length).as(where).isEqualTo(reference.samples.length);
      assertThat(outcome.outOfRange).as(where + ": samples outside the bit depth").isZero();
      assertThat(outcome.warnings).as(where).contains(Reason.CORRUPT_DATA);
      if (seekable) {
        seekAround(damaged, reference.samples.length, random);
      }
    }
  }

  /** Seeks a damaged file at random; only a result or a {@link DecoderException} may come out. */
  private void seekAround(byte[] damaged, int totalSamples, Random random) {
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          try (FlacDecoder decoder = open(damaged, true)) {
            int channels = decoder.format().channels();
            PcmBuffer buffer = new PcmBuffer();
            for (int s = 0; s < 4; s++) {
              long target = (long) (random.nextDouble() * totalSamples / channels);
              try {
                decoder.seekToFrame(target);
                assertThat(decoder.positionFrames()).isEqualTo(target);
                decoder.read(buffer);
              } catch (DecoderException e) {
                assertThat(e.reason()).isNotNull();
              }
            }
          } catch (DecoderException e) {
            assertThat(e.reason()).isNotNull();
          } catch (Throwable t) {
            fail("seeking threw " + t + " instead of a DecoderException", t);
          }
        });
  }

  private void checkCorruptedAnywhere(String relative) throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(relative));
    Random random = new Random(~relative.hashCode());
    for (int trial = 0; trial < CORRUPTION_TRIALS; trial++) {
      byte[] damaged = original.clone();
      int flips = 1 + random.nextInt(40);
      int range = Math.min(original.length, 1 << (8 + random.nextInt(14)));
      for (int f = 0; f < flips; f++) {
        damaged[random.nextInt(range)] = (byte) random.nextInt(256);
      }
      Outcome outcome = decode(damaged, trial % 2 == 0);

      assertThat(outcome.outOfRange).as("trial %d: samples outside the bit depth", trial).isZero();
    }
  }

  /** Offset of the first frame: after the marker and every metadata block. */
  private static int audioStart(byte[] bytes) {
    int offset = 4;
    boolean last = false;
    while (!last) {
      last = (bytes[offset] & 0x80) != 0;
      int length =
          ((bytes[offset + 1] & 0xFF) << 16)
              | ((bytes[offset + 2] & 0xFF) << 8)
              | (bytes[offset + 3] & 0xFF);
      offset += 4 + length;
    }
    return offset;
  }

  private FlacDecoder open(byte[] bytes, boolean seekable) throws IOException {
    ByteSource source;
    if (seekable) {
      Path file = Files.createTempFile(tempDir, "damaged", ".flac");
      Files.write(file, bytes);
      source = new FileByteSource(file);
    } else {
      source = new InputStreamByteSource(new ByteArrayInputStream(bytes));
    }
    try {
      return FlacDecoder.open(source);
    } catch (DecoderException e) {
      source.close();
      throw e;
    }
  }

  /** What a decode of damaged bytes produced. */
  private static final class Outcome {
    DecoderException error;
    int[] samples = new int[0];
    long outOfRange;
    List<Reason> warnings = new ArrayList<>();
  }

  private Outcome decode(byte[] bytes, boolean seekable) {
    return assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          Outcome outcome = new Outcome();
          try (FlacDecoder decoder = open(bytes, seekable)) {
            int bits = decoder.format().bitsPerSample();
            long max = (1L << (bits - 1)) - 1;
            long min = -(1L << (bits - 1));
            FlacTestSupport.IntList collected = new FlacTestSupport.IntList();
            PcmBuffer buffer = new PcmBuffer();
            int count;
            try {
              while ((count = decoder.read(buffer)) > 0) {
                int samples = count * decoder.format().channels();
                for (int i = 0; i < samples; i++) {
                  if (buffer.samples[i] > max || buffer.samples[i] < min) {
                    outcome.outOfRange++;
                  }
                }
                collected.add(buffer.samples, samples);
              }
            } catch (DecoderException e) {
              outcome.error = e;
            }
            outcome.samples = collected.toArray();
            for (DecoderException warning : decoder.warnings()) {
              outcome.warnings.add(warning.reason());
            }
          } catch (DecoderException e) {
            outcome.error = e;
          } catch (Throwable t) {
            fail("decoder threw " + t + " instead of a DecoderException", t);
          }
          return outcome;
        });
  }

  /** Counts the bytes read through a source, re-reads after seeks included. */
  private static final class CountingSource implements ByteSource {
    private final ByteSource delegate;
    long bytesRead;

    CountingSource(ByteSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int count = delegate.read(buffer, offset, length);
      if (count > 0) {
        bytesRead += count;
      }
      return count;
    }

    @Override
    public long position() {
      return delegate.position();
    }

    @Override
    public long length() {
      return delegate.length();
    }

    @Override
    public boolean isSeekable() {
      return delegate.isSeekable();
    }

    @Override
    public void seek(long position) throws IOException {
      delegate.seek(position);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
