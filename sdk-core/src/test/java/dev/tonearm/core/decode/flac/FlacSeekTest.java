package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Seeks to random samples and compares what follows with a straight decode of the same file. */
class FlacSeekTest {
  private static final String[] FILES = {
    "flac-test-files/subset/01 - blocksize 4096.flac",
    "flac-test-files/subset/03 - blocksize 16.flac",
    "flac-test-files/subset/24 - variable blocksize file created with flake revision 264.flac",
    "flac-test-files/subset/26 - variable blocksize file created with CUETools.Flake 2.1.6.flac",
    "flac-test-files/subset/27 - old format variable blocksize file created with Flake 0.11.flac",
    "flac-test-files/subset/29 - high resolution audio, blocksize 16384.flac",
    "flac-test-files/subset/43 - 8 channels (7.1).flac",
    "flac-test-files/subset/45 - no total number of samples set.flac",
    "flac-test-files/subset/47 - only STREAMINFO.flac",
    "flac-test-files/faulty/01 - wrong max blocksize.flac",
    "flac-test-files/faulty/05 - wrong total number of samples.flac",
  };
  private static final int SEEKS_PER_FILE = 25;
  private static final int READS_AFTER_SEEK = 3;

  @TempDir Path tempDir;

  @TestFactory
  List<DynamicTest> randomSeek_matchesStraightDecode() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String relative : FILES) {
      tests.add(
          DynamicTest.dynamicTest(relative, () -> checkRandomSeeks(Corpus.require(relative))));
    }
    return tests;
  }

  @Test
  void denseSeekTable_randomSeek_matchesStraightDecode() throws Exception {
    assumeTrue(
        FlacEncoderRoundTripTest.canRun("flac", "--version"),
        "flac command not found; install the flac package");
    int[] pcm = FlacEncoderRoundTripTest.Signal.generate(16, 2, 300_000, 7);
    Path wav = tempDir.resolve("in.wav");
    Path flac = tempDir.resolve("seektable.flac");
    FlacEncoderRoundTripTest.writeWav(wav, pcm, 2, 16, 44100);
    int exit =
        FlacEncoderRoundTripTest.run(
            Arrays.asList(
                "flac",
                "-s",
                "-f",
                "-S",
                "100x",
                "-b",
                "1152",
                "-o",
                flac.toString(),
                wav.toString()));
    assertThat(exit).isZero();

    checkRandomSeeks(flac);
  }

  @TestFactory
  List<DynamicTest> seekNearEnd_readsSmallPart() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int index : new int[] {2, 4, 5}) {
      String relative = FILES[index];
      tests.add(DynamicTest.dynamicTest(relative, () -> checkSeekCost(Corpus.require(relative))));
    }
    return tests;
  }

  /** Bisection must locate a late frame without reading most of the file. */
  private static void checkSeekCost(Path file) throws Exception {
    long fileBytes = Files.size(file);
    try (CountingSource source = new CountingSource(new FileByteSource(file));
        FlacDecoder decoder = FlacDecoder.open(source)) {
      long before = source.bytesRead;

      decoder.seekToFrame(decoder.totalFrames() * 9 / 10);

      assertThat(source.bytesRead - before).isLessThan(fileBytes / 3);
      assertThat(decoder.warnings()).isEmpty();
    }
  }

  @Test
  void damagedSeekTable_seek_fallsBackToBisection() throws Exception {
    Path original = Corpus.require(FILES[3]);
    byte[] bytes = Files.readAllBytes(original);
    // SEEKTABLE body at offset 46: points of 18 bytes (sample, offset, samples in frame).
    writeLong(bytes, 46 + 18 + 8, 933_861 + 100); // inside a frame, not at a header
    writeLong(bytes, 46 + 36 + 8, Long.MAX_VALUE / 2); // past the end of the file
    Path damaged = tempDir.resolve("damaged-seektable.flac");
    Files.write(damaged, bytes);
    int[] reference;
    try (FlacDecoder decoder = FlacTestSupport.open(original)) {
      reference = FlacTestSupport.decodeAll(decoder, true).samples;
    }

    try (FlacDecoder decoder = FlacTestSupport.open(damaged)) {
      for (long target : new long[] {500_000, 900_000}) {
        decoder.seekToFrame(target);
        PcmBuffer buffer = new PcmBuffer();
        int count = decoder.read(buffer);

        int from = (int) (target * 2);
        assertThat(Arrays.copyOf(buffer.samples, count * 2))
            .isEqualTo(Arrays.copyOfRange(reference, from, from + count * 2));
      }
      assertThat(decoder.warnings())
          .extracting(DecoderException::reason)
          .containsOnly(Reason.BAD_HEADER);
    }
  }

  private static void writeLong(byte[] bytes, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      bytes[offset + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  /**
   * A fixed-blocksize stream whose STREAMINFO minimum block size differs from the maximum looks
   * like a variable-blocksize stream from before FLAC 1.2.0, which codes sample numbers instead of
   * frame numbers. The decoder must tell the two apart before the first seek.
   */
  @Test
  void fixedBlocksWithUnequalStreamInfoSizes_seek_matchesStraightDecode() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require(FILES[0]));
    // STREAMINFO minimum block size (body bytes 0 and 1, file offset 8): 1500, the last block.
    bytes[8] = (byte) (1500 >> 8);
    bytes[9] = (byte) 1500;
    Path file = tempDir.resolve("unequal-block-sizes.flac");
    Files.write(file, bytes);
    int[] reference;
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      reference = FlacTestSupport.decodeAll(decoder, true).samples;
    }

    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      long target = 200_000;
      decoder.seekToFrame(target);
      PcmBuffer buffer = new PcmBuffer();
      int count = decoder.read(buffer);

      int from = (int) (target * 2);
      assertThat(Arrays.copyOf(buffer.samples, count * 2))
          .isEqualTo(Arrays.copyOfRange(reference, from, from + count * 2));
    }
  }

  @Test
  void seekToTotal_thenRead_returnsEndOfStream() throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(FILES[0]))) {
      long total = decoder.totalFrames();

      decoder.seekToFrame(total);

      assertThat(decoder.positionFrames()).isEqualTo(total);
      assertThat(decoder.read(new PcmBuffer())).isEqualTo(-1);
    }
  }

  @Test
  void seekPastEnd_throwsOutOfRange() throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(FILES[0]))) {
      long total = decoder.totalFrames();

      DecoderException e =
          catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(total + 1));

      assertThat(e.reason()).isEqualTo(Reason.SEEK_OUT_OF_RANGE);
      decoder.seekToFrame(0);
      assertThat(decoder.read(new PcmBuffer())).isPositive();
    }
  }

  @Test
  void seekPastEnd_unknownTotal_throwsOutOfRange() throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(FILES[7]))) {
      assertThat(decoder.totalFrames()).isEqualTo(-1);

      DecoderException e =
          catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(1L << 30));

      assertThat(e.reason()).isEqualTo(Reason.SEEK_OUT_OF_RANGE);
    }
  }

  @Test
  void seekNegative_throwsOutOfRange() throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(Corpus.require(FILES[0]))) {
      DecoderException e =
          catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(-1));

      assertThat(e.reason()).isEqualTo(Reason.SEEK_OUT_OF_RANGE);
    }
  }

  @Test
  void nonSeekableSource_seek_throwsSeekUnsupported() throws Exception {
    Path file = Corpus.require(FILES[0]);
    try (FlacDecoder decoder =
        FlacDecoder.open(new InputStreamByteSource(Files.newInputStream(file)))) {
      assertThat(decoder.isSeekable()).isFalse();

      DecoderException e =
          catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(1000));

      assertThat(e.reason()).isEqualTo(Reason.SEEK_UNSUPPORTED);
      assertThat(decoder.read(new PcmBuffer())).isPositive();
    }
  }

  private static void checkRandomSeeks(Path file) throws Exception {
    int[] reference;
    int channels;
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      channels = decoder.format().channels();
      Decoded decoded = FlacTestSupport.decodeAll(decoder, true);
      reference = decoded.samples;
    }
    long total = reference.length / channels;
    Random random = new Random(file.getFileName().toString().hashCode());
    List<Long> targets = new ArrayList<>(Arrays.asList(0L, total - 1, total / 2, 1L, total));
    while (targets.size() < SEEKS_PER_FILE) {
      targets.add((long) random.nextInt((int) total));
    }
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      PcmBuffer buffer = new PcmBuffer();
      for (long target : targets) {
        decoder.seekToFrame(target);
        assertThat(decoder.positionFrames())
            .as("position after seek to %d", target)
            .isEqualTo(target);
        long position = target;
        for (int r = 0; r < READS_AFTER_SEEK && position < total; r++) {
          int count = decoder.read(buffer);
          assertThat(count).as("read after seek to %d", target).isPositive();
          int from = (int) (position * channels);
          int[] expected = Arrays.copyOfRange(reference, from, from + count * channels);
          int[] actual = Arrays.copyOf(buffer.samples, count * channels);
          assertThat(actual)
              .as("samples at %d after seek to %d", position, target)
              .isEqualTo(expected);
          position += count;
          assertThat(decoder.positionFrames()).isEqualTo(position);
        }
        if (target == total) {
          assertThat(decoder.read(buffer)).isEqualTo(-1);
        }
      }
      // The faulty files carry STREAMINFO warnings (BAD_HEADER); no frame may be damaged.
      assertThat(decoder.warnings())
          .extracting(DecoderException::reason)
          .doesNotContain(Reason.CORRUPT_DATA, Reason.TRUNCATED);
    }
  }

  /** Counts the bytes read through a source. */
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
