package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tonearm.core.decode.ByteArrayByteSource;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Damaged input: truncation at many offsets and seeded random corruption must end in output or a
 * {@link DecoderException}, never another exception or a hang, and the library prints nothing.
 */
class VorbisRobustnessTest {
  /** Hang guard only; a healthy run takes a small fraction of it. */
  private static final int ROUNDS_PER_FILE = 60;
  private static final Duration HANG_GUARD = Duration.ofMinutes(2);

  @Test
  void truncatedAtManyOffsets_decodesPrefixOrFailsTyped() throws IOException {
    byte[] whole = Files.readAllBytes(Corpus.require("ogg-vorbis/libnogg/6ch-all-page-types.ogg"));
    long fullFrames = decodeOrThrow(whole).frames;
    int[] cuts = {0, 1, 4, 27, 57, 200, 1000, 3000, 3001, 5000, 7777, 10_000, 12_345, 15_000,
        whole.length - 1};
    for (int cut : cuts) {
      byte[] prefix = Arrays.copyOf(whole, cut);
      assertTimeoutPreemptively(HANG_GUARD, () -> {
        Outcome outcome = decode(prefix);
        if (outcome.error != null) {
          assertThat(outcome.error.reason()).as("cut at %d", cut)
              .isIn(Reason.TRUNCATED, Reason.UNSUPPORTED_FORMAT);
        } else {
          assertThat(outcome.frames).as("cut at %d", cut).isLessThan(fullFrames);
          assertThat(outcome.warnings).as("warnings when cut at %d", cut)
              .contains(Reason.TRUNCATED);
        }
      });
    }
  }

  @Test
  void truncatedAfterHeaders_warnsTruncatedAndKeepsEarlierFrames() throws IOException {
    byte[] whole = Files.readAllBytes(Corpus.require("music/singularity-apex-aleph.ogg"));
    for (int cut : new int[] {100_000, 700_001, 1_400_000}) {
      Outcome outcome = decode(Arrays.copyOf(whole, cut));
      assertThat(outcome.error).as("cut at %d", cut).isNull();
      assertThat(outcome.frames).as("cut at %d", cut).isPositive();
      assertThat(outcome.warnings).as("cut at %d", cut).contains(Reason.TRUNCATED);
    }
  }

  @Test
  void randomCorruption_yieldsOutputOrTypedError() throws IOException {
    List<Path> files = Stream.of(
            "ogg-vorbis/libnogg/6ch-all-page-types.ogg",
            "ogg-vorbis/libnogg/6ch-moving-sine-floor0.ogg",
            "ogg-vorbis/xiph-test-vectors/test-short.ogg",
            "ogg-vorbis/mutagen/multipage-setup.ogg")
        .map(Corpus::require)
        .collect(Collectors.toList());
    Random random = new Random(20_261_204L);
    for (Path file : files) {
      byte[] original = Files.readAllBytes(file);
      for (int round = 0; round < ROUNDS_PER_FILE; round++) {
        byte[] damaged = original.clone();
        int flips = 1 + random.nextInt(20);
        for (int i = 0; i < flips; i++) {
          damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
        }
        // Every other round repairs the page CRCs, so damage reaches the codec instead of being
        // dropped by the Ogg layer.
        if (round % 2 == 1) {
          damaged = recomputeCrcs(damaged);
        }
        byte[] input = damaged;
        int seedRound = round;
        assertTimeoutPreemptively(HANG_GUARD, () -> {
          Outcome outcome = decode(input);
          if (outcome.unexpected != null) {
            fail("%s round %d threw %s", file.getFileName(), seedRound, outcome.unexpected);
          }
          // A runtime error inside the codec would surface as INTERNAL_ERROR: that is a bug.
          if (outcome.error != null) {
            assertThat(outcome.error.reason()).as("%s round %d: %s", file.getFileName(),
                seedRound, outcome.error).isNotEqualTo(Reason.INTERNAL_ERROR);
          }
        });
      }
    }
  }

  @Test
  void library_printsNothingToStdoutOrStderr() throws IOException {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, "UTF-8");
    List<Path> files;
    try (Stream<Path> listing = Files.walk(Corpus.require("ogg-vorbis"))) {
      files = listing.filter(p -> p.toString().endsWith(".ogg")).sorted()
          .collect(Collectors.toList());
    }
    // Warm SLF4J first: its one-time notice about a missing binding is not ours.
    org.slf4j.LoggerFactory.getLogger(VorbisRobustnessTest.class);
    System.setOut(capture);
    System.setErr(capture);
    try {
      for (Path file : files) {
        try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
          decoder.links();
          PcmBuffer buffer = new PcmBuffer();
          while (decoder.read(buffer) > 0) {
            // Drain.
          }
          if (decoder.isSeekable() && decoder.totalFrames() > 10) {
            decoder.seekToFrame(decoder.totalFrames() / 2);
            decoder.read(buffer);
          }
        } catch (DecoderException expected) {
          // Malformed corpus files fail typed; only the printing matters here.
        }
      }
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    assertThat(captured.toString("UTF-8")).isEmpty();
  }

  private static byte[] recomputeCrcs(byte[] data) {
    byte[] out = data.clone();
    for (int offset = 0; offset + 27 <= out.length; ) {
      if (out[offset] != 'O' || out[offset + 1] != 'g' || out[offset + 2] != 'g'
          || out[offset + 3] != 'S') {
        offset++;
        continue;
      }
      int segments = out[offset + 26] & 0xFF;
      if (offset + 27 + segments > out.length) {
        break;
      }
      int body = 0;
      for (int i = 0; i < segments; i++) {
        body += out[offset + 27 + i] & 0xFF;
      }
      int length = 27 + segments + body;
      if (offset + length > out.length) {
        break;
      }
      OggTestFiles.writeCrc(out, offset, length);
      offset += length;
    }
    return out;
  }

  private static Outcome decodeOrThrow(byte[] data) throws IOException {
    Outcome outcome = decode(data);
    if (outcome.error != null) {
      throw outcome.error;
    }
    return outcome;
  }

  /** Decodes {@code data} fully, seekable, then once more as a forward-only stream. */
  private static Outcome decode(byte[] data) throws IOException {
    Outcome outcome = new Outcome();
    ByteSource[] sources = {
        new ByteArrayByteSource(data), new InputStreamByteSource(new ByteArrayInputStream(data))};
    for (ByteSource source : sources) {
      try (VorbisDecoder decoder = new VorbisDecoder(source)) {
        PcmBuffer buffer = new PcmBuffer();
        long frames = 0;
        int count;
        while ((count = decoder.read(buffer)) > 0) {
          assertThat(count).isLessThanOrEqualTo(4096);
          frames += count;
        }
        if (decoder.isSeekable()) {
          long total = decoder.totalFrames();
          if (total > 0) {
            decoder.seekToFrame(total / 3);
            decoder.read(buffer);
          }
        }
        outcome.frames = frames;
        outcome.warnings = decoder.warnings().stream().map(DecoderException::reason)
            .collect(Collectors.toList());
      } catch (DecoderException e) {
        outcome.error = e;
      } catch (RuntimeException | Error e) {
        outcome.unexpected = e;
        return outcome;
      }
    }
    return outcome;
  }

  private static final class Outcome {
    long frames;
    List<Reason> warnings = List.of();
    DecoderException error;
    Throwable unexpected;
  }

}
