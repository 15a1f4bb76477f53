package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import dev.tonearm.testing.Corpus;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Decodes the "faulty" files of the IETF CELLAR FLAC decoder testbench, whose STREAMINFO disagrees
 * with their frames. Each must decode or fail with a typed {@link DecoderException}, in bounded
 * time and memory.
 */
class FlacFaultyTest {
  /** Hang guard only; decoding one of these files takes milliseconds. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  /** Allocation bound per file: a window, one block and the metadata fit many times over. */
  private static final long MAX_ALLOCATED_BYTES = 64L << 20;

  @TestFactory
  List<DynamicTest> faultyFile_decodesOrFailsTyped() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : FlacTestSupport.corpusFiles(FlacTestSupport.FAULTY)) {
      tests.add(
          DynamicTest.dynamicTest(
              file.getFileName().toString(),
              () -> assertTimeoutPreemptively(HANG_GUARD, () -> checkBounded(file))));
    }
    return tests;
  }

  private static void checkBounded(Path file) throws Exception {
    long allocatedBefore = allocatedBytes();
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      Decoded decoded = FlacTestSupport.decodeAll(decoder, false);
      assertThat(decoded.frames).isPositive();
    } catch (DecoderException e) {
      assertThat(e.reason()).isNotNull();
    }
    long allocated = allocatedBytes() - allocatedBefore;
    if (allocatedBefore >= 0) {
      assertThat(allocated).as("bytes allocated while decoding").isLessThan(MAX_ALLOCATED_BYTES);
    }
  }

  @Test
  void wrongMaxBlockSize_decodes_matchesMd5WithWarning() throws Exception {
    Decoded decoded = decode("flac-test-files/faulty/01 - wrong max blocksize.flac");

    assertThat(decoded.md5Hex).isEqualTo("d48bcb885e251af58a25c8a62d7c6573");
    assertThat(decoded.frames).isEqualTo(101999);
    assertThat(decoded.warnings).extracting(DecoderException::reason).contains(Reason.BAD_HEADER);
  }

  @Test
  void wrongMaxFrameSize_decodes_matchesMd5() throws Exception {
    Decoded decoded = decode("flac-test-files/faulty/02 - wrong maximum framesize.flac");

    assertThat(decoded.md5Hex).isEqualTo("0200cb247f6d747c1713178243053346");
    assertThat(decoded.frames).isEqualTo(195891);
  }

  @Test
  void wrongBitDepth_open_failsWithBadHeader() throws Exception {
    Path file = Corpus.require("flac-test-files/faulty/03 - wrong bit depth.flac");

    DecoderException e =
        catchThrowableOfType(DecoderException.class, () -> FlacTestSupport.open(file));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
    assertThat(e.getMessage()).contains("16 bits").contains("24 bits");
  }

  @Test
  void wrongChannelCount_open_failsWithBadHeader() throws Exception {
    Path file = Corpus.require("flac-test-files/faulty/04 - wrong number of channels.flac");

    DecoderException e =
        catchThrowableOfType(DecoderException.class, () -> FlacTestSupport.open(file));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
    assertThat(e.getMessage()).contains("1 channels").contains("5 channels");
  }

  @Test
  void wrongTotalSamples_decodesToRealEnd_reportsRealTotal() throws Exception {
    Path file = Corpus.require("flac-test-files/faulty/05 - wrong total number of samples.flac");
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      assertThat(decoder.totalFrames()).isEqualTo(39842);

      Decoded decoded =
          assertTimeoutPreemptively(HANG_GUARD, () -> FlacTestSupport.decodeAll(decoder, false));

      // The README of the testbench gives the real count; flac 1.4.2 verifies the MD5.
      assertThat(decoded.frames).isEqualTo(109487);
      assertThat(decoded.md5Hex).isEqualTo("f9522efa9e50f8c461553d67093dfe6b");
      assertThat(decoder.totalFrames()).isEqualTo(109487);
      assertThat(decoded.warnings).extracting(DecoderException::reason).contains(Reason.BAD_HEADER);
    }
  }

  private static Decoded decode(String relative) throws Exception {
    Path file = Corpus.require(relative);
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      return assertTimeoutPreemptively(HANG_GUARD, () -> FlacTestSupport.decodeAll(decoder, false));
    }
  }

  /** Bytes allocated by the current thread so far, or -1 when the JVM does not count them. */
  static long allocatedBytes() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean) {
      com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
      if (sun.isThreadAllocatedMemorySupported() && sun.isThreadAllocatedMemoryEnabled()) {
        return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
      }
    }
    return -1;
  }
}
