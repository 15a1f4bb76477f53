package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.SeekPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Seek index of an Ogg Vorbis file from its page granule positions.
 *
 * <p>For each target frame the index names the last page that starts a fresh packet and whose
 * first completed sample lies at least {@link #PRE_ROLL_FRAMES} before the target. The first
 * sample completed on a page is the granule position of the previous page that has one. The
 * margin covers the Vorbis overlap: after a jump, the first packet decoded only primes the decoder
 * and yields no samples. Target 0 maps to byte 0, the stream headers.
 *
 * <p>Stateless and thread-safe.
 */
public final class OggSeekIndexBuilder implements SeekIndexBuilder {
  /** Largest Vorbis block size (Vorbis I, section 4.2.2), used as the pre-roll margin. */
  static final long PRE_ROLL_FRAMES = 8192;

  @Override
  public EncodedLayout build(Path file, long intervalMs) throws IOException, IngestException {
    ProbeResult probe = VorbisProbe.probe(file);
    long[] offsets = new long[64];
    long[] firstFrames = new long[64];
    int candidates = 0;
    try (OggPageReader reader = new OggPageReader(file)) {
      long previousGranule = 0;
      boolean headersDone = false;
      for (OggPage page = reader.next(); page != null; page = reader.next()) {
        if (headersDone && !page.continuesPacket()) {
          if (candidates == offsets.length) {
            offsets = Arrays.copyOf(offsets, candidates * 2);
            firstFrames = Arrays.copyOf(firstFrames, candidates * 2);
          }
          offsets[candidates] = page.offset();
          firstFrames[candidates] = previousGranule;
          candidates++;
        }
        if (page.granulePosition() != -1) {
          // Header pages carry granule 0; the first audio page follows them.
          headersDone = headersDone || page.granulePosition() == 0;
          previousGranule = Math.max(page.granulePosition(), 0);
        }
      }
    }
    long intervalFrames = Math.max(1, probe.sampleRateHz() * intervalMs / 1000);
    List<SeekPoint> points = new ArrayList<>();
    points.add(new SeekPoint(0, 0));
    int page = 0;
    for (long target = intervalFrames; target < probe.totalFrames(); target += intervalFrames) {
      while (page + 1 < candidates && firstFrames[page + 1] + PRE_ROLL_FRAMES <= target) {
        page++;
      }
      if (candidates > 0 && firstFrames[page] + PRE_ROLL_FRAMES <= target) {
        points.add(new SeekPoint(target, offsets[page]));
      }
    }
    return new EncodedLayout(
        probe.sampleRateHz(),
        probe.channels(),
        probe.totalFrames(),
        probe.nominalBitrateKbps(),
        points);
  }
}
