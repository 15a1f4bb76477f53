package dev.tonearm.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.testing.Corpus;
import dev.tonearm.testing.ExternalTool;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcmMd5Test {
  @TempDir Path dir;

  /**
   * Decodes corpus FLAC files with the reference {@code flac} tool into WAV, reads them with {@link
   * WavReader}, and compares the hash with the STREAMINFO MD5 that {@code metaflac} reports. Covers
   * 8, 12, 16, 20 and 24 bits, 1 to 8 channels and odd rates; 12- and 20-bit files come out of flac
   * as left-justified WAVE_FORMAT_EXTENSIBLE.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "subset/01 - blocksize 4096.flac",
        "subset/19 - samplerate 35467Hz.flac",
        "subset/22 - 12 bit per sample.flac",
        "subset/23 - 8 bit per sample.flac",
        "subset/28 - high resolution audio, default settings.flac",
        "subset/37 - 20 bit per sample.flac",
        "subset/38 - 3 channels (3.0).flac",
        "subset/41 - 6 channels (5.1).flac",
        "subset/43 - 8 channels (7.1).flac",
        "subset/60 - mono audio.flac",
        "subset/63 - predictor overflow check, 24-bit.flac",
      })
  void hexDigest_flacDecodedToWav_equalsStreamInfoMd5(String file) throws Exception {
    Path flac = Corpus.require("flac-test-files/" + file);
    Path wav = dir.resolve("decoded.wav");
    ExternalTool.run("flac", "-s", "-d", "-f", "-o", wav.toString(), flac.toString());
    String expected = ExternalTool.run("metaflac", "--show-md5sum", flac.toString()).trim();

    PcmMd5 md5 = new PcmMd5();
    try (WavReader reader = WavReader.open(wav)) {
      PcmBuffer buffer = new PcmBuffer();
      while (reader.read(buffer) > 0) {
        md5.update(buffer);
      }
    }

    assertThat(md5.hexDigest()).isEqualTo(expected);
  }

  @Test
  void hexDigest_noSamples_isEmptyMd5() {
    assertThat(new PcmMd5().hexDigest()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
  }

  @Test
  void update_packsSignExtendedLittleEndianBytes() throws Exception {
    PcmMd5 md5 = new PcmMd5();
    md5.update(new int[] {-1, 0x123456, -0x800000}, 3, 24);
    md5.update(new int[] {-2, 100}, 2, 12);
    byte[] expectedBytes = {
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      0x56,
      0x34,
      0x12,
      0x00,
      0x00,
      (byte) 0x80,
      (byte) 0xFE,
      (byte) 0xFF,
      100,
      0
    };

    assertThat(md5.sampleCount()).isEqualTo(5);
    assertThat(md5.digest()).isEqualTo(MessageDigest.getInstance("MD5").digest(expectedBytes));
    assertThat(md5.sampleCount()).isZero();
  }

  @Test
  void update_largeBlocks_matchesByteByByteDigest() throws Exception {
    int[] samples = new int[10_000];
    byte[] bytes = new byte[20_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) (i * 7919);
      bytes[2 * i] = (byte) samples[i];
      bytes[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    PcmMd5 md5 = new PcmMd5();
    md5.update(samples, samples.length, 16);

    assertThat(md5.digest()).isEqualTo(MessageDigest.getInstance("MD5").digest(bytes));
  }
}
