package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.PcmBuffer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The decoder must write nothing to standard output or standard error. */
class FlacQuietTest {
  @BeforeAll
  static void initializeLogging() {
    // SLF4J reports a missing provider on stderr once, at its first use; that line is the
    // logging library's and must not count against the decoder.
    LoggerFactory.getLogger(FlacQuietTest.class);
  }

  @Test
  void decodingCorpusAndSeeking_printsNothing() throws Exception {
    List<Path> files = new ArrayList<>(FlacTestSupport.corpusFiles(FlacTestSupport.SUBSET));
    files.addAll(FlacTestSupport.corpusFiles(FlacTestSupport.FAULTY));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    PrintStream capture = new PrintStream(captured, true, "UTF-8");
    System.setOut(capture);
    System.setErr(capture);
    try {
      for (Path file : files) {
        decodeAndSeek(file);
      }
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }

    assertThat(new String(captured.toByteArray(), StandardCharsets.UTF_8)).isEmpty();
  }

  private static void decodeAndSeek(Path file) throws Exception {
    try (FlacDecoder decoder = FlacTestSupport.open(file)) {
      PcmBuffer buffer = new PcmBuffer();
      while (decoder.read(buffer) > 0) {
        // Decode everything, warnings included.
      }
      decoder.seekToFrame(decoder.positionFrames() / 2);
      decoder.read(buffer);
    } catch (DecoderException e) {
      // Faulty files may be rejected; only printing is checked here.
    }
  }
}
