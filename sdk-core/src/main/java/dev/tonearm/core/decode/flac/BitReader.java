package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a FLAC stream from a {@link ByteSource} through a fixed byte window, either byte by byte
 * (metadata, frame headers, sync search) or bit by bit through a 64-bit cache (subframes).
 *
 * <p>Bit cache: {@link #cache} contains stream bits left-aligned, and its top {@link #cacheBits}
 * bits are the next unread ones. The byte at {@code window[position]} always starts at cache bit
 * {@code cacheBits}. A refill ORs the 8 bytes at {@code position} into the cache at that bit and
 * then counts only the whole bytes that fit. The bits below {@code cacheBits} are therefore either
 * zero or the true following stream bits, and ORing the same bits again on the next refill changes
 * nothing. This keeps refills branch-free in the Rice loop.
 *
 * <p>CRC-16: while a frame is open ({@link #beginFrame()}), bytes that leave the window are added
 * to the running CRC before they are discarded, so frames larger than the window are checked too.
 *
 * <p>Not thread-safe; owned by one decoder.
 */
final class BitReader {
  /** Window size: large enough that typical frames fit whole, so a failed frame can be re-read. */
  static final int WINDOW_BYTES = 1 << 17;

  /** Bytes requested from the source per read while decoding. */
  static final int DECODE_READ_BYTES = 1 << 15;

  /** Bytes requested per read while probing for a frame header during a seek. */
  static final int PROBE_READ_BYTES = 1 << 13;

  /** Consecutive zero-byte reads from the source after which it is treated as broken. */
  private static final int MAX_EMPTY_READS = 1000;

  private final ByteSource source;
  private final byte[] window = new byte[WINDOW_BYTES];
  private final ByteBuffer windowView = ByteBuffer.wrap(window);

  /** Stream offset of {@code window[0]}. */
  private long windowStart;

  /** Valid bytes in the window. */
  private int limit;

  /** Index of the next byte to load into the cache (or to read, in byte mode). */
  private int position;

  private boolean sourceEnded;
  private int readChunkBytes = DECODE_READ_BYTES;

  private long cache;
  private int cacheBits;

  /** Window index of the first byte not yet in {@link #crc16}, or -1 outside a frame. */
  private int crcStart = -1;

  private int crc16;

  /** Window index that compaction keeps while possible, or -1 for none. */
  private int mark = -1;

  BitReader(ByteSource source) {
    this.source = source;
  }

  // ---------------------------------------------------------------- byte mode

  /** Stream offset of the next unread byte; the reader must be byte-aligned. */
  long bytePosition() {
    return windowStart + position - (cacheBits >> 3);
  }

  /**
   * Drops the bit cache and returns to byte reads at the next unread byte; the reader must be
   * byte-aligned.
   */
  void enterByteMode() {
    position -= cacheBits >> 3;
    cache = 0;
    cacheBits = 0;
  }

  /** Returns the window array, valid from {@link #windowIndex()} for {@link #available()} bytes. */
  byte[] window() {
    return window;
  }

  /** Window index of the next unread byte (byte mode). */
  int windowIndex() {
    return position;
  }

  /** Bytes readable in the window from {@link #windowIndex()} without reading the source. */
  int available() {
    return limit - position;
  }

  /** Advances {@code count} bytes inside the window (byte mode); count must be available. */
  void advance(int count) {
    position += count;
  }

  /**
   * Makes at least {@code count} bytes available in the window when the source has them, reading it
   * as needed; count must not exceed half the window.
   *
   * @return the bytes now available, less than {@code count} only at the end of the source
   */
  int ensureBytes(int count) throws IOException {
    if (limit - position < count) {
      compactAndFill(count);
    }
    return limit - position;
  }

  /** Reads one byte (byte mode). */
  int readByte() throws IOException {
    if (ensureBytes(1) < 1) {
      throw truncated("stream ends inside a metadata block");
    }
    return window[position++] & 0xFF;
  }

  /** Reads a big-endian unsigned integer of {@code byteCount} bytes, at most 8 (byte mode). */
  long readBigEndian(int byteCount) throws IOException {
    long value = 0;
    for (int i = 0; i < byteCount; i++) {
      value = (value << 8) | readByte();
    }
    return value;
  }

  /** Reads exactly {@code length} bytes into {@code destination} (byte mode). */
  void readFully(byte[] destination, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int count = Math.min(length - done, ensureBytes(Math.min(length - done, WINDOW_BYTES / 2)));
      if (count <= 0) {
        throw truncated("stream ends inside a metadata block");
      }
      System.arraycopy(window, position, destination, offset + done, count);
      position += count;
      done += count;
    }
  }

  /** Skips {@code count} bytes (byte mode), seeking the source when it can. */
  void skipBytes(long count) throws IOException {
    long inWindow = limit - position;
    if (count <= inWindow) {
      position += (int) count;
      return;
    }
    if (source.isSeekable()) {
      long target = bytePosition() + count;
      long length = source.length();
      if (length >= 0 && target > length) {
        throw truncated("stream ends " + (target - length) + " bytes before the end of a block");
      }
      seek(target);
      return;
    }
    long remaining = count;
    while (remaining > 0) {
      int step = (int) Math.min(remaining, ensureBytes(WINDOW_BYTES / 2));
      if (step <= 0) {
        throw truncated("stream ends " + remaining + " bytes before the end of a block");
      }
      position += step;
      remaining -= step;
    }
  }

  /**
   * Moves to stream offset {@code offset}, reusing the window when it contains that byte. Clears
   * the bit cache, the frame CRC and the mark.
   */
  void seek(long offset) throws IOException {
    cache = 0;
    cacheBits = 0;
    crcStart = -1;
    mark = -1;
    if (offset >= windowStart && offset <= windowStart + limit) {
      position = (int) (offset - windowStart);
      return;
    }
    source.seek(offset);
    windowStart = offset;
    limit = 0;
    position = 0;
    sourceEnded = false;
  }

  /**
   * Sets how many bytes each source read requests: {@link #DECODE_READ_BYTES} while decoding,
   * {@link #PROBE_READ_BYTES} while probing, so that a seek does not read far past each probe.
   */
  void setReadChunk(int bytes) {
    readChunkBytes = bytes;
  }

  /** Returns whether the source supports {@link #seek(long)} to offsets outside the window. */
  boolean isSeekable() {
    return source.isSeekable();
  }

  /** Total source length in bytes, or -1 when unknown. */
  long sourceLength() {
    return source.length();
  }

  /**
   * Keeps the byte at stream offset {@code offset} in the window through later compactions while it
   * fits, so that {@link #rewindToMark(long)} can return to it without a source seek.
   */
  void setMark(long offset) {
    long index = offset - windowStart;
    mark = index >= 0 && index <= limit ? (int) index : -1;
  }

  /**
   * Returns to stream offset {@code offset} (at or after the mark) in byte mode if the window still
   * contains it or the source can seek.
   *
   * @return whether the reader moved
   */
  boolean rewindTo(long offset) throws IOException {
    long index = offset - windowStart;
    if (index >= 0 && index <= limit) {
      cache = 0;
      cacheBits = 0;
      crcStart = -1;
      position = (int) index;
      return true;
    }
    if (source.isSeekable()) {
      seek(offset);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- frame CRC

  /** Starts the CRC-16 at the next unread byte (byte mode). */
  void beginFrame() {
    crcStart = position;
    crc16 = 0;
  }

  /**
   * Ends the CRC-16 at the next unread byte; the reader must be byte-aligned.
   *
   * @return the CRC-16 of every byte since {@link #beginFrame()}
   */
  int endFrameCrc() {
    int end = position - (cacheBits >> 3);
    int crc = Crc.crc16(crc16, window, crcStart, end);
    crcStart = -1;
    return crc;
  }

  // ---------------------------------------------------------------- bit mode

  /** Discards bits up to the next byte boundary. */
  void alignToByte() {
    int drop = cacheBits & 7;
    cache <<= drop;
    cacheBits -= drop;
  }

  /** Reads {@code count} bits, 1 to 32, as an unsigned value in the low bits of an int. */
  int readBits(int count) throws IOException {
    if (cacheBits < count) {
      refill();
      if (cacheBits < count) {
        throw truncated("stream ends inside a frame");
      }
    }
    int value = (int) (cache >>> (64 - count));
    cache <<= count;
    cacheBits -= count;
    return value;
  }

  /** Reads {@code count} bits, 1 to 32, as a two's complement signed value. */
  int readSignedBits(int count) throws IOException {
    if (cacheBits < count) {
      refill();
      if (cacheBits < count) {
        throw truncated("stream ends inside a frame");
      }
    }
    int value = (int) (cache >> (64 - count));
    cache <<= count;
    cacheBits -= count;
    return value;
  }

  /** Reads {@code count} bits, 1 to 33, as a two's complement signed value. */
  long readSignedBitsLong(int count) throws IOException {
    if (count <= 32) {
      return readSignedBits(count);
    }
    long high = readSignedBits(count - 32);
    long low = readBits(32) & 0xFFFF_FFFFL;
    return (high << 32) | low;
  }

  /**
   * Reads a unary number: the count of 0 bits before the next 1 bit.
   *
   * @throws DecoderException with {@link Reason#CORRUPT_DATA} if more than {@code maxZeros} 0 bits
   *     come first
   */
  int readUnary(int maxZeros) throws IOException {
    int zeros = 0;
    while (true) {
      if (cacheBits == 0) {
        refill();
        if (cacheBits == 0) {
          throw truncated("stream ends inside a frame");
        }
      }
      int leading = Long.numberOfLeadingZeros(cache);
      if (leading < cacheBits) {
        zeros += leading;
        if (zeros > maxZeros) {
          throw corrupt("unary value " + zeros + " exceeds " + maxZeros);
        }
        cache <<= leading + 1;
        cacheBits -= leading + 1;
        return zeros;
      }
      zeros += cacheBits;
      cache = 0;
      cacheBits = 0;
      if (zeros > maxZeros) {
        throw corrupt("unary value " + zeros + " exceeds " + maxZeros);
      }
    }
  }

  /**
   * Decodes Rice codes with parameter {@code parameter} (0 to 30) into {@code destination[from,
   * to)}. Each code is a unary quotient, {@code parameter} low bits, and a zigzag sign fold.
   */
  void readRiceBlock(int[] destination, int from, int to, int parameter) throws IOException {
    long bits = cache;
    int count = cacheBits;
    int index = position;
    int fastLimit = limit - 8;
    final ByteBuffer view = windowView;
    final int lowShift = 63 - parameter;
    for (int i = from; i < to; i++) {
      if (index <= fastLimit) {
        bits |= view.getLong(index) >>> count;
        index += (63 - count) >>> 3;
        count |= 56;
      } else {
        cache = bits;
        cacheBits = count;
        position = index;
        refill();
        bits = cache;
        count = cacheBits;
        index = position;
        fastLimit = limit - 8;
      }
      int quotient = Long.numberOfLeadingZeros(bits);
      int used = quotient + 1 + parameter;
      if (used <= count) {
        // used <= count <= 63, so neither shift below reaches 64.
        bits <<= quotient + 1;
        int low = (int) ((bits >>> 1) >>> lowShift);
        bits <<= parameter;
        count -= used;
        int folded = (quotient << parameter) | low;
        destination[i] = (folded >>> 1) ^ -(folded & 1);
      } else {
        cache = bits;
        cacheBits = count;
        position = index;
        destination[i] = readRiceSlow(parameter);
        bits = cache;
        count = cacheBits;
        index = position;
        fastLimit = limit - 8;
      }
    }
    cache = bits;
    cacheBits = count;
    position = index;
  }

  /** Decodes one Rice code whose quotient does not fit in the cache. */
  private int readRiceSlow(int parameter) throws IOException {
    // A residual must fit in 32 bits, so its folded value is below 2^32.
    long maxQuotient = 0xFFFF_FFFFL >>> parameter;
    int quotient = readUnary((int) Math.min(maxQuotient, Integer.MAX_VALUE));
    long low = parameter == 0 ? 0 : readBits(parameter) & 0xFFFF_FFFFL;
    long folded = ((long) quotient << parameter) | low;
    return (int) (folded >>> 1) ^ -(int) (folded & 1);
  }

  private void refill() throws IOException {
    if (position <= limit - 8) {
      cache |= windowView.getLong(position) >>> cacheBits;
      position += (63 - cacheBits) >>> 3;
      cacheBits |= 56;
      return;
    }
    if (!sourceEnded) {
      compactAndFill(8);
      if (position <= limit - 8) {
        refill();
        return;
      }
    }
    // Last bytes of the stream: load one at a time.
    while (cacheBits <= 56 && position < limit) {
      cache |= (window[position++] & 0xFFL) << (56 - cacheBits);
      cacheBits += 8;
    }
  }

  /**
   * Reads the source until {@code requiredBytes} bytes are available or the source ends, first
   * moving the unread bytes to the front of the window when the free space after them is short.
   * Bytes that leave the window go into the frame CRC.
   */
  private void compactAndFill(int requiredBytes) throws IOException {
    if (WINDOW_BYTES - limit < Math.max(requiredBytes, readChunkBytes)) {
      compact(requiredBytes);
    }
    int emptyReads = 0;
    while (!sourceEnded && limit < WINDOW_BYTES && limit - position < requiredBytes) {
      int count = source.read(window, limit, Math.min(WINDOW_BYTES - limit, readChunkBytes));
      if (count < 0) {
        sourceEnded = true;
      } else if (count == 0) {
        if (++emptyReads > MAX_EMPTY_READS) {
          throw new DecoderException(
              Reason.IO_ERROR, "source returned no bytes " + MAX_EMPTY_READS + " times in a row");
        }
      } else {
        limit += count;
        emptyReads = 0;
      }
    }
  }

  private void compact(int requiredBytes) {
    int consumed = position - (cacheBits >> 3);
    if (crcStart >= 0 && crcStart < consumed) {
      crc16 = Crc.crc16(crc16, window, crcStart, consumed);
      crcStart = consumed;
    }
    int keepFrom = consumed;
    if (mark >= 0 && mark < keepFrom) {
      if (limit - mark <= WINDOW_BYTES - Math.max(requiredBytes, readChunkBytes)) {
        keepFrom = mark;
      } else {
        mark = -1;
      }
    }
    if (keepFrom > 0) {
      System.arraycopy(window, keepFrom, window, 0, limit - keepFrom);
      windowStart += keepFrom;
      limit -= keepFrom;
      position -= keepFrom;
      if (crcStart >= 0) {
        crcStart -= keepFrom;
      }
      if (mark >= 0) {
        mark -= keepFrom;
      }
    }
  }

  static DecoderException truncated(String message) {
    return new DecoderException(Reason.TRUNCATED, message, new EOFException());
  }

  static DecoderException corrupt(String message) {
    return new DecoderException(Reason.CORRUPT_DATA, message);
  }
}
