package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Measures how JFLAC 1.5.2 fares on the testbench corpus next to this decoder, for the decoder
 * documentation. Runs only with {@code -Dtonearm.jflacSurvey=true} because JFLAC hangs on one
 * faulty file and the abandoned thread keeps a core busy until the JVM exits.
 *
 * <p>Writes a table to {@code target/jflac-survey.txt}. JFLAC's 8-bit output is unsigned, so it is
 * also compared after converting back to signed. The test fails only if this decoder misses a
 * STREAMINFO MD5 on a subset file.
 */
class JflacSurveyTest {
  private static final long JFLAC_TIMEOUT_SECONDS = 20;

  @Test
  void corpus_jflacAndTonearm_surveyed() throws Exception {
    assumeTrue(
        Boolean.getBoolean("tonearm.jflacSurvey"),
        "JFLAC survey skipped; run with -Dtonearm.jflacSurvey=true");
    List<Path> files = new ArrayList<>(FlacTestSupport.corpusFiles(FlacTestSupport.SUBSET));
    files.addAll(FlacTestSupport.corpusFiles(FlacTestSupport.FAULTY));
    StringBuilder table = new StringBuilder("file\tjflac\tjflac stdout lines\ttonearm\n");
    int jflacCorrect = 0;
    int jflacCorrectSigned8 = 0;
    int oursCorrect = 0;
    int subsetFiles = 0;
    List<String> oursWrong = new ArrayList<>();
    for (Path file : files) {
      boolean subset = file.getParent().getFileName().toString().equals("subset");
      String expectedMd5 = null;
      String ours;
      try (FlacDecoder decoder = FlacTestSupport.open(file)) {
        expectedMd5 = decoder.streamInfo().md5Hex();
        Decoded decoded = FlacTestSupport.decodeAll(decoder, false);
        ours = decoded.md5Hex.equals(expectedMd5) ? "md5 ok" : "md5 MISMATCH";
      } catch (DecoderException e) {
        ours = "rejected " + e.reason();
      }
      JflacOracle.Result jflac = JflacOracle.decode(file, JFLAC_TIMEOUT_SECONDS);
      String verdict = jflacVerdict(jflac, expectedMd5);
      if (subset) {
        subsetFiles++;
        if (verdict.equals("md5 ok")) {
          jflacCorrect++;
          jflacCorrectSigned8++;
        } else if (verdict.equals("md5 ok after unsigned-to-signed")) {
          jflacCorrectSigned8++;
        }
        if (ours.equals("md5 ok")) {
          oursCorrect++;
        } else {
          oursWrong.add(file.getFileName().toString());
        }
      }
      table.append(
          String.format(
              Locale.ROOT,
              "%s/%s\t%s\t%d\t%s%n",
              file.getParent().getFileName(),
              file.getFileName(),
              verdict,
              jflac.stdoutLines,
              ours));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "subset files: %d; JFLAC md5 ok: %d (%d counting 8-bit output converted to signed);"
                + " tonearm md5 ok: %d%n",
            subsetFiles,
            jflacCorrect,
            jflacCorrectSigned8,
            oursCorrect));
    write(table.toString());
    System.out.print(table);

    assertThat(oursWrong).isEmpty();
  }

  private static String jflacVerdict(JflacOracle.Result jflac, String expectedMd5) {
    if (jflac.hung) {
      return "hung (no result in " + JFLAC_TIMEOUT_SECONDS + " s)";
    }
    if (jflac.error != null) {
      return "error " + jflac.error.getClass().getSimpleName();
    }
    if (jflac.pcm.length == 0) {
      return "no samples";
    }
    if (JflacOracle.md5Hex(jflac.pcm).equals(expectedMd5)) {
      return "md5 ok";
    }
    if (jflac.bitsPerSample == 8) {
      byte[] signed = jflac.pcm.clone();
      for (int i = 0; i < signed.length; i++) {
        signed[i] = (byte) (signed[i] - 128);
      }
      if (JflacOracle.md5Hex(signed).equals(expectedMd5)) {
        return "md5 ok after unsigned-to-signed";
      }
    }
    return "md5 mismatch";
  }

  private static void write(String text) throws IOException {
    Path out = Paths.get("target", "jflac-survey.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, text.getBytes(StandardCharsets.UTF_8));
  }
}
