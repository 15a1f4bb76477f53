package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;

/**
 * Chooses where decoding starts for a seek: the offset of a frame header at or before the target
 * sample, as close to it as cheaply possible.
 *
 * <p>First the last SEEKTABLE point at or before the target, if a valid frame header is really at
 * its offset and codes its sample number. Then bisection between that point and the end of the
 * source: probe the middle of the range for the next frame header that agrees with STREAMINFO, and
 * keep the half that contains the target, until the range is below {@link #MIN_RANGE_BYTES}. A
 * false sync code that passes every header check can mislead the search. The caller then sees a
 * frame after the target and falls back to decoding from the first frame.
 *
 * <p>Not thread-safe; owned by one decoder.
 */
final class SeekPlanner {
  /** Bisection stops below this range; decoding forward through it is cheaper than probing. */
  static final long MIN_RANGE_BYTES = 1 << 15;

  private static final int MAX_PROBES = 64;

  private final BitReader in;
  private final FrameReader reader;
  private final SeekTable seekTable;
  private final long audioStartBytes;
  private final Warnings warnings;
  private boolean warnedSeekTable;

  SeekPlanner(
      BitReader in,
      FrameReader reader,
      SeekTable seekTable,
      long audioStartBytes,
      Warnings warnings) {
    this.in = in;
    this.reader = reader;
    this.seekTable = seekTable;
    this.audioStartBytes = audioStartBytes;
    this.warnings = warnings;
  }

  /** Returns the stream offset of a frame header whose first sample is at most {@code target}. */
  long findStartOffset(long target) throws IOException {
    long low = audioStartBytes;
    long lowSample = 0;
    long high = in.sourceLength();
    int point = seekTable.floor(target);
    if (point >= 0 && seekTable.sampleNumber(point) > 0) {
      // A damaged table can point past the end (or overflow to a negative offset).
      long offset = audioStartBytes + seekTable.offsetBytes(point);
      if (offset > audioStartBytes
          && (high < 0 || offset < high)
          && reader.findHeader(offset, offset + 1, true) == offset
          && reader.scannedHeaderSample() == seekTable.sampleNumber(point)) {
        low = offset;
        lowSample = seekTable.sampleNumber(point);
      } else if (!warnedSeekTable) {
        warnedSeekTable = true;
        warnings.add(
            Reason.BAD_HEADER,
            "seek point for sample "
                + seekTable.sampleNumber(point)
                + " does not point to its"
                + " frame; seeking without the seek table");
      }
    }
    if (high < 0) {
      return low;
    }
    for (int probe = 0; probe < MAX_PROBES && high - low > MIN_RANGE_BYTES; probe++) {
      long middle = low + (high - low) / 2;
      long found = reader.findHeader(middle, high, true);
      if (found < 0) {
        high = middle;
        continue;
      }
      long sample = reader.scannedHeaderSample();
      if (sample > target || sample < lowSample) {
        high = middle;
        continue;
      }
      low = found;
      lowSample = sample;
      if (target - sample < reader.scannedBlockSize()) {
        break;
      }
    }
    return low;
  }
}
