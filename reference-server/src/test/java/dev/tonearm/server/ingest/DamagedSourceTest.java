package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage that a player would conceal must not enter the catalog: the SDK decoder fills a FLAC
 * frame that fails its CRC with silence, and ingest rejects such a file instead of publishing the
 * gap.
 */
class DamagedSourceTest {
  @Test
  void flacWithBadFrame_rejectedAsCorrupt(@TempDir Path dir) throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac"));
    bytes[200_000] = (byte) ~bytes[200_000];
    Path damaged = dir.resolve("damaged.flac");
    Files.write(damaged, bytes);
    ProbeResult probe = new SniffingAudioProbe().probe(damaged);

    assertThatThrownBy(() -> new SdkPcmDecoder().decodeToWav(damaged, probe, dir))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> assertThat(e.reason()).isEqualTo(IngestException.Reason.CORRUPT));
  }

  @Test
  void intactFlac_decodesToWav(@TempDir Path dir) throws Exception {
    Path source = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    ProbeResult probe = new SniffingAudioProbe().probe(source);

    Path wav = new SdkPcmDecoder().decodeToWav(source, probe, dir);

    // 308,700 stereo 16-bit frames after a 44-byte canonical header.
    assertThat(Files.size(wav)).isEqualTo(44 + 308_700L * 4);
  }
}
