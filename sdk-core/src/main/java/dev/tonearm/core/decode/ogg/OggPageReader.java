package dev.tonearm.core.decode.ogg;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads Ogg pages from a {@link ByteSource}, checking each page's CRC and resynchronising on the
 * capture pattern {@code "OggS"} after junk or damaged pages.
 *
 * <p>Memory is bounded by one read buffer of two maximum-size pages. Bytes that do not form a
 * valid page are skipped and reported once per run through the warning consumer; a page cut off by
 * the end of the source is reported as {@link Reason#TRUNCATED}. Work spent checking damaged
 * candidate pages is capped, so a hostile source cannot make resynchronisation quadratic.
 *
 * <p>Not thread-safe: one reading thread, like the {@link ByteSource} it wraps.
 */
public final class OggPageReader {
  /** Bytes searched for a first valid page before the source is rejected as not Ogg. */
  public static final int MAX_BYTES_BEFORE_FIRST_PAGE = 64 * 1024;

  /** Bytes that may be checksummed on candidate pages that turn out to be invalid. */
  static final long MAX_REJECTED_CANDIDATE_BYTES = 64L * 1024 * 1024;

  private static final int BUFFER_BYTES = 2 * OggPage.MAX_PAGE_BYTES;
  private static final byte[] ZERO_CRC = new byte[4];

  private final ByteSource source;
  private final Consumer<DecoderException> warnings;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  /** Source offset of {@code buffer[0]}. */
  private long bufferOffset;
  private int start;
  private int end;
  private boolean endOfSource;

  private long skippedBytes;
  private long skipStartOffset = -1;
  private long incompletePageOffset = -1;
  private long rejectedCandidateBytes;
  private boolean anyPageFound;
  private boolean truncated;
  /** Suppresses the skipped-bytes warning until the first page after a seek. */
  private boolean quietSkip;

  /**
   * Creates a reader positioned at the source's current position.
   *
   * @param warnings receives one warning per skipped run of bytes and for a truncated last page
   */
  public OggPageReader(ByteSource source, Consumer<DecoderException> warnings) {
    this.source = Objects.requireNonNull(source, "source");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    this.bufferOffset = source.position();
  }

  /**
   * Reads the next valid page into {@code page}.
   *
   * @return false at the end of the source
   * @throws DecoderException with {@link Reason#UNSUPPORTED_FORMAT} when no page starts within
   *     the first {@link #MAX_BYTES_BEFORE_FIRST_PAGE} bytes, or {@link Reason#CORRUPT_DATA} when
   *     the source contains too many damaged candidate pages
   */
  public boolean nextPage(OggPage page) throws IOException {
    while (true) {
      if (!anyPageFound && skippedBytes > MAX_BYTES_BEFORE_FIRST_PAGE) {
        throw new DecoderException(
            Reason.UNSUPPORTED_FORMAT,
            "no Ogg page found in the first " + MAX_BYTES_BEFORE_FIRST_PAGE + " bytes");
      }
      if (!fill(OggPage.HEADER_BYTES)) {
        finishAtEnd();
        return false;
      }
      int capture = findCapture();
      if (capture < 0) {
        // Keep the last three bytes: they may start a capture pattern that the next read ends.
        skip(end - start - 3);
        continue;
      }
      if (capture > start) {
        skip(capture - start);
        continue;
      }
      if (!fill(OggPage.HEADER_BYTES)) {
        finishAtEnd();
        return false;
      }
      int segments = buffer[start + 26] & 0xFF;
      if (!fill(OggPage.HEADER_BYTES + segments)) {
        rememberIncompletePage();
        skip(1);
        continue;
      }
      int bodyBytes = 0;
      for (int i = 0; i < segments; i++) {
        bodyBytes += buffer[start + OggPage.HEADER_BYTES + i] & 0xFF;
      }
      int pageBytes = OggPage.HEADER_BYTES + segments + bodyBytes;
      if (!fill(pageBytes)) {
        rememberIncompletePage();
        skip(1);
        continue;
      }
      if (!isValidPage(buffer, start, pageBytes)) {
        rejectedCandidateBytes += pageBytes;
        if (rejectedCandidateBytes > MAX_REJECTED_CANDIDATE_BYTES) {
          throw new DecoderException(
              Reason.CORRUPT_DATA,
              "too many damaged Ogg pages: more than "
                  + MAX_REJECTED_CANDIDATE_BYTES
                  + " bytes failed the CRC check");
        }
        skip(1);
        continue;
      }
      long pageOffset = bufferOffset + start;
      reportSkipped(pageOffset);
      incompletePageOffset = -1;
      copyPage(buffer, start, segments, bodyBytes, pageOffset, page);
      start += pageBytes;
      anyPageFound = true;
      return true;
    }
  }

  /**
   * Moves to source offset {@code offset}; the next page is the first valid one at or after it.
   * Bytes skipped after a seek to a point inside a page are not reported.
   */
  public void seek(long offset) throws IOException {
    source.seek(offset);
    bufferOffset = offset;
    start = 0;
    end = 0;
    endOfSource = false;
    skippedBytes = 0;
    skipStartOffset = -1;
    incompletePageOffset = -1;
    truncated = false;
    quietSkip = true;
  }

  /** Source offset of the next byte that page capture examines. */
  public long position() {
    return bufferOffset + start;
  }

  /** Returns whether the source ended inside a page. */
  public boolean isTruncated() {
    return truncated;
  }

  /**
   * Checks the page that starts at {@code offset} in {@code data} and spans {@code pageBytes}:
   * capture pattern, stream structure version 0 and CRC.
   */
  static boolean isValidPage(byte[] data, int offset, int pageBytes) {
    if (data[offset] != 'O'
        || data[offset + 1] != 'g'
        || data[offset + 2] != 'g'
        || data[offset + 3] != 'S'
        || data[offset + 4] != 0) {
      return false;
    }
    int stored =
        (data[offset + 22] & 0xFF)
            | (data[offset + 23] & 0xFF) << 8
            | (data[offset + 24] & 0xFF) << 16
            | (data[offset + 25] & 0xFF) << 24;
    int crc = OggCrc.update(0, data, offset, 22);
    crc = OggCrc.update(crc, ZERO_CRC, 0, 4);
    crc = OggCrc.update(crc, data, offset + 26, pageBytes - 26);
    return crc == stored;
  }

  /**
   * Parses the page at {@code offset} in {@code data} into {@code page} if a complete valid page
   * starts there and ends before {@code limit}.
   *
   * @return the page length in bytes, or -1 when no complete valid page starts at {@code offset}
   */
  public static int parsePage(byte[] data, int offset, int limit, long sourceOffset, OggPage page) {
    if (limit - offset < OggPage.HEADER_BYTES) {
      return -1;
    }
    int segments = data[offset + 26] & 0xFF;
    if (limit - offset < OggPage.HEADER_BYTES + segments) {
      return -1;
    }
    int bodyBytes = 0;
    for (int i = 0; i < segments; i++) {
      bodyBytes += data[offset + OggPage.HEADER_BYTES + i] & 0xFF;
    }
    int pageBytes = OggPage.HEADER_BYTES + segments + bodyBytes;
    if (limit - offset < pageBytes || !isValidPage(data, offset, pageBytes)) {
      return -1;
    }
    copyPage(data, offset, segments, bodyBytes, sourceOffset, page);
    return pageBytes;
  }

  private static void copyPage(
      byte[] data, int offset, int segments, int bodyBytes, long sourceOffset, OggPage page) {
    page.flags = data[offset + 5] & 0xFF;
    page.granulePosition = readLong(data, offset + 6);
    page.serialNumber = readInt(data, offset + 14);
    page.sequenceNumber = readInt(data, offset + 18) & 0xFFFF_FFFFL;
    page.segmentCount = segments;
    for (int i = 0; i < segments; i++) {
      page.lacing[i] = data[offset + OggPage.HEADER_BYTES + i] & 0xFF;
    }
    System.arraycopy(data, offset + OggPage.HEADER_BYTES + segments, page.body, 0, bodyBytes);
    page.bodyBytes = bodyBytes;
    page.offset = sourceOffset;
    page.pageBytes = OggPage.HEADER_BYTES + segments + bodyBytes;
  }

  private static int readInt(byte[] data, int offset) {
    return (data[offset] & 0xFF)
        | (data[offset + 1] & 0xFF) << 8
        | (data[offset + 2] & 0xFF) << 16
        | (data[offset + 3] & 0xFF) << 24;
  }

  private static long readLong(byte[] data, int offset) {
    return (readInt(data, offset) & 0xFFFF_FFFFL) | ((long) readInt(data, offset + 4) << 32);
  }

  private int findCapture() {
    for (int i = start, last = end - 4; i <= last; i++) {
      if (buffer[i] == 'O'
          && buffer[i + 1] == 'g'
          && buffer[i + 2] == 'g'
          && buffer[i + 3] == 'S') {
        return i;
      }
    }
    return -1;
  }

  private void skip(int count) {
    if (count <= 0) {
      return;
    }
    if (skipStartOffset < 0) {
      skipStartOffset = bufferOffset + start;
    }
    skippedBytes += count;
    start += count;
  }

  private void rememberIncompletePage() {
    if (incompletePageOffset < 0) {
      incompletePageOffset = bufferOffset + start;
    }
  }

  private void reportSkipped(long nextPageOffset) {
    if (skippedBytes > 0 && !quietSkip) {
      warnings.accept(
          new DecoderException(
              Reason.CORRUPT_DATA,
              "skipped "
                  + skippedBytes
                  + " bytes that are not a valid Ogg page at offset "
                  + skipStartOffset
                  + "; resumed at the page at offset "
                  + nextPageOffset));
    }
    quietSkip = false;
    skippedBytes = 0;
    skipStartOffset = -1;
  }

  private void finishAtEnd() {
    long remaining = end - start;
    if (incompletePageOffset < 0) {
      int capture = findCapture();
      if (capture >= 0) {
        incompletePageOffset = bufferOffset + capture;
      }
    }
    if (incompletePageOffset >= 0) {
      truncated = true;
      warnings.accept(
          new DecoderException(
              Reason.TRUNCATED,
              "the source ends inside the Ogg page at offset "
                  + incompletePageOffset
                  + "; "
                  + (bufferOffset + end - incompletePageOffset)
                  + " bytes of it are present"));
    } else if (skippedBytes + remaining > 0 && !quietSkip) {
      warnings.accept(
          new DecoderException(
              Reason.CORRUPT_DATA,
              (skippedBytes + remaining)
                  + " bytes after the last valid Ogg page at offset "
                  + (skipStartOffset >= 0 ? skipStartOffset : bufferOffset + start)
                  + " are not a valid page"));
    }
    skippedBytes = 0;
    skipStartOffset = -1;
    incompletePageOffset = -1;
    start = end;
  }

  /** Ensures {@code count} unread bytes are buffered; returns false when the source ends first. */
  private boolean fill(int count) throws IOException {
    if (end - start >= count) {
      return true;
    }
    if (start + count > buffer.length) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      bufferOffset += start;
      end -= start;
      start = 0;
    }
    while (end - start < count) {
      if (endOfSource) {
        return false;
      }
      int read = source.read(buffer, end, buffer.length - end);
      if (read < 0) {
        endOfSource = true;
        return false;
      }
      end += read;
    }
    return true;
  }
}
