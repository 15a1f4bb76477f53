package dev.tonearm.core.decode.flac;

import java.util.Arrays;

/**
 * Seek points from a SEEKTABLE block (RFC 9639, section 8.5), placeholders removed. Immutable.
 *
 * <p>A table can list up to 932,067 points (a 16 MiB block). At most {@link #MAX_POINTS} are kept,
 * evenly spread, which bounds memory while still narrowing every seek to a small range.
 */
final class SeekTable {
  static final int MAX_POINTS = 1 << 16;
  static final SeekTable EMPTY = new SeekTable(new long[0], new long[0], 0);

  private final long[] sampleNumbers;
  private final long[] offsetsBytes;
  private final int size;

  SeekTable(long[] sampleNumbers, long[] offsetsBytes, int size) {
    this.sampleNumbers = sampleNumbers;
    this.offsetsBytes = offsetsBytes;
    this.size = size;
  }

  int size() {
    return size;
  }

  long sampleNumber(int index) {
    return sampleNumbers[index];
  }

  /** Offset of the point's frame from the first frame header, in bytes. */
  long offsetBytes(int index) {
    return offsetsBytes[index];
  }

  /** Index of the last point at or before {@code sample}, or -1 when there is none. */
  int floor(long sample) {
    int found = Arrays.binarySearch(sampleNumbers, 0, size, sample);
    return found >= 0 ? found : -found - 2;
  }
}
