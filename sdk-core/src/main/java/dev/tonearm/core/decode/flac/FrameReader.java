package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;

/**
 * Finds, checks and decodes FLAC frames one at a time, recovering from damage the way libFLAC does.
 * A frame whose header CRC-8 fails is not a frame, and a frame whose subframes are invalid or whose
 * CRC-16 fails is dropped. Either way the reader searches for the next sync code.
 *
 * <p>Sample count after damage: the reader counts the samples it outputs. After a loss, the next
 * good frame's header says where that frame starts, and the gap up to it is reported as {@link
 * #silenceBefore()} so the caller can output silence and keep every later frame at its true
 * position. A loss at the very end is filled up to the end of the last lost frame whose header was
 * valid or to the STREAMINFO total, whichever is later. A frame cut off by the end of the stream is
 * not filled: a truncated stream ends after its last complete frame. A single gap is filled only up
 * to {@link #MAX_SILENCE_FILL_SAMPLES}; a larger jump in frame numbering is reported as a warning
 * and not filled.
 *
 * <p>Bounded work: after a failed frame the search restarts one byte after that frame's sync code
 * so that a real frame hidden inside the damaged one is not lost. The bytes re-read this way are
 * limited by a budget that grows with every good frame, so damaged input costs at most about twice
 * the work of clean input.
 *
 * <p>Not thread-safe; owned by one decoder.
 */
final class FrameReader {
  static final long MAX_SILENCE_FILL_SAMPLES = 1 << 20;
  private static final long INITIAL_REREAD_BUDGET_BYTES = 1 << 20;

  /**
   * Maximum distance searched for the second frame header: larger than any frame that a real
   * encoder writes (65535 samples, 8 channels, 32-bit verbatim would be about 2 MiB).
   */
  private static final long MAX_FRAME_SEARCH_BYTES = 4L << 20;

  private final BitReader in;
  private final FrameDecoder decoder;
  private final Warnings warnings;
  private final FlacStreamInfo info;
  private final FrameHeader scan = new FrameHeader();
  private final FrameHeader current = new FrameHeader();

  /** Samples per frame number in a fixed-blocksize stream. */
  private int nominalBlockSize;

  /** Whether a stream with the blocking strategy bit clear still codes sample numbers. */
  private boolean sampleNumbered;

  private boolean numberingConfirmed;
  private boolean warnedBlockSize;

  private boolean positionKnown = true;
  private long expectedSample;
  private long frameStartSample;
  private long frameHeaderSample;
  private long silenceBefore;
  private long trailingSilence;

  private boolean lost;
  private long lostUntilSample = -1;
  private boolean endTruncated;
  private long rereadBudgetBytes = INITIAL_REREAD_BUDGET_BYTES;

  FrameReader(BitReader in, FrameDecoder decoder, Warnings warnings, FlacStreamInfo info) {
    this.in = in;
    this.decoder = decoder;
    this.warnings = warnings;
    this.info = info;
    this.nominalBlockSize = info.maxBlockSize();
    this.sampleNumbered = info.minBlockSize() != info.maxBlockSize();
  }

  /**
   * Parses the first frame header at or shortly after the reader's position without consuming it,
   * to learn the block size and numbering of the stream.
   *
   * @throws DecoderException with {@link Reason#BAD_HEADER} if the first frame disagrees with
   *     STREAMINFO on channels or bit depth, as libFLAC also rejects such streams
   */
  void inspectFirstFrame() throws IOException {
    long start = in.bytePosition();
    long found = findHeader(start, start + BitReader.WINDOW_BYTES / 2, false);
    if (found >= 0) {
      checkConsistent(found, true);
      if (!scan.variableBlockSize) {
        nominalBlockSize = scan.blockSize;
        if (sampleNumbered && in.isSeekable()) {
          settleNumberingFromSecondFrame(found);
        }
      }
    }
    in.seek(start);
  }

  /**
   * Decides how a stream with the blocking strategy bit clear but unequal STREAMINFO block sizes
   * numbers its frames, from the second frame header: number 1 means frame numbers, the first block
   * size means sample numbers. Seeking needs this before any frame is decoded.
   */
  private void settleNumberingFromSecondFrame(long firstOffset) throws IOException {
    int firstBlockSize = scan.blockSize;
    long limit = firstOffset + 1 + MAX_FRAME_SEARCH_BYTES;
    if (findHeader(firstOffset + 1, limit, true) < 0 || scan.variableBlockSize) {
      return;
    }
    if (scan.codedNumber == 1 && firstBlockSize != 1) {
      sampleNumbered = false;
      numberingConfirmed = true;
    } else if (scan.codedNumber == firstBlockSize) {
      sampleNumbered = true;
      numberingConfirmed = true;
    }
  }

  /**
   * Decodes the next frame into the frame decoder.
   *
   * @return false at the end of the stream
   */
  boolean next() throws IOException {
    silenceBefore = 0;
    long searchFrom = in.bytePosition();
    while (true) {
      long offset = findSync();
      if (offset < 0) {
        finishStream(searchFrom);
        return false;
      }
      // ensureBytes returns fewer bytes only at the end of the stream, so NEED_MORE means the
      // stream ends inside this header.
      int available = in.ensureBytes(FrameHeader.MAX_BYTES);
      int status = scan.parse(in.window(), in.windowIndex(), available, false);
      if (status == FrameHeader.NEED_MORE) {
        endTruncated = true;
        warnings.add(
            BitReader.truncated("stream ends inside the frame header at offset " + offset));
        in.advance(available);
        continue;
      }
      // The first frame was checked in inspectFirstFrame, so a later mismatch is damage.
      if (status != FrameHeader.VALID || !checkConsistent(offset, false)) {
        in.advance(1);
        continue;
      }
      if (offset > searchFrom) {
        lost = true;
        warnings.add(
            Reason.CORRUPT_DATA,
            "skipped " + (offset - searchFrom) + " bytes before the frame at offset " + offset);
      }
      if (decodeFrame(offset)) {
        accept(offset);
        return true;
      }
      searchFrom = in.bytePosition();
    }
  }

  /** Samples of silence to output before the frame that {@link #next()} just decoded. */
  long silenceBefore() {
    return silenceBefore;
  }

  /** Samples of silence to output at the end, valid after {@link #next()} returned false. */
  long trailingSilence() {
    return trailingSilence;
  }

  /** Output position of the first sample of the current frame, counting filled silence. */
  long frameStartSample() {
    return frameStartSample;
  }

  /** First sample of the current frame according to its header. */
  long frameHeaderSample() {
    return frameHeaderSample;
  }

  int blockSize() {
    return current.blockSize;
  }

  /** Output position of the end of the stream, valid after {@link #next()} returned false. */
  long endSample() {
    return expectedSample;
  }

  /**
   * Continues reading at stream offset {@code offset}. When {@code startSample} is negative the
   * output position is taken from the next good frame's header.
   */
  void restart(long offset, long startSample) throws IOException {
    in.seek(offset);
    positionKnown = startSample >= 0;
    expectedSample = Math.max(startSample, 0);
    lost = false;
    lostUntilSample = -1;
    endTruncated = false;
    silenceBefore = 0;
    trailingSilence = 0;
  }

  /**
   * Searches {@code [from, to)} for a valid frame header that agrees with STREAMINFO, leaving the
   * reader in byte mode at an unspecified position.
   *
   * @return the header's stream offset, or -1 if there is none in the range
   */
  long findHeader(long from, long to, boolean requireConsistent) throws IOException {
    in.seek(from);
    in.setMark(from);
    in.setReadChunk(BitReader.PROBE_READ_BYTES);
    try {
      while (true) {
        long offset = findSync();
        if (offset < 0 || offset >= to) {
          return -1;
        }
        int available = in.ensureBytes(FrameHeader.MAX_BYTES);
        int status = scan.parse(in.window(), in.windowIndex(), available, false);
        if (status == FrameHeader.VALID && (!requireConsistent || isConsistent())) {
          return offset;
        }
        in.advance(1);
      }
    } finally {
      in.setReadChunk(BitReader.DECODE_READ_BYTES);
    }
  }

  /** First sample of the header last parsed by {@link #findHeader}. */
  long scannedHeaderSample() {
    return headerSample(scan);
  }

  int scannedBlockSize() {
    return scan.blockSize;
  }

  // NOTE: positions count from 0 at the first frame, while seeks and gap filling use header
  // numbers. The two agree because FLAC streams start at frame or sample number 0; a stream cut
  // from the middle of another would seek and fill gaps relative to its original start.
  private long headerSample(FrameHeader header) {
    if (header.variableBlockSize || sampleNumbered) {
      return header.codedNumber;
    }
    return header.codedNumber * nominalBlockSize;
  }

  private boolean isConsistent() {
    int bits = scan.bitsPerSample == 0 ? info.bitsPerSample() : scan.bitsPerSample;
    return scan.channels == info.channels() && bits == info.bitsPerSample();
  }

  private boolean checkConsistent(long offset, boolean fatal) throws DecoderException {
    if (isConsistent()) {
      return true;
    }
    String message =
        "frame at offset "
            + offset
            + " has "
            + scan.channels
            + " channels at "
            + (scan.bitsPerSample == 0 ? info.bitsPerSample() : scan.bitsPerSample)
            + " bits, but STREAMINFO declares "
            + info.channels()
            + " channels at "
            + info.bitsPerSample()
            + " bits";
    if (fatal) {
      throw new DecoderException(Reason.BAD_HEADER, message);
    }
    lost = true;
    warnings.add(Reason.CORRUPT_DATA, message);
    return false;
  }

  /** Decodes the frame whose valid header starts at the reader's position. */
  private boolean decodeFrame(long offset) throws IOException {
    in.setMark(offset);
    in.beginFrame();
    in.advance(scan.lengthBytes);
    try {
      decoder.decodeSubframes(in, scan, info.bitsPerSample());
      in.alignToByte();
      int computed = in.endFrameCrc();
      int stored = in.readBits(16);
      if (computed != stored) {
        throw BitReader.corrupt(
            "CRC-16 mismatch: computed "
                + Integer.toHexString(computed)
                + ", stored "
                + Integer.toHexString(stored));
      }
      in.enterByteMode();
      return true;
    } catch (DecoderException e) {
      if (e.reason() != Reason.CORRUPT_DATA && e.reason() != Reason.TRUNCATED) {
        throw e;
      }
      recordFailure(offset, e);
      return false;
    }
  }

  private void recordFailure(long offset, DecoderException e) throws IOException {
    warnings.add(
        new DecoderException(
            e.reason(), "frame at offset " + offset + " dropped: " + e.getMessage(), e));
    if (e.reason() == Reason.TRUNCATED) {
      endTruncated = true;
    } else {
      lost = true;
      endTruncated = false;
      lostUntilSample = Math.max(lostUntilSample, headerSample(scan) + scan.blockSize);
    }
    in.alignToByte();
    in.enterByteMode();
    long consumed = in.bytePosition() - offset;
    if (consumed <= rereadBudgetBytes && in.rewindTo(offset + 1)) {
      rereadBudgetBytes -= consumed;
    }
  }

  private void accept(long offset) {
    current.copyFrom(scan);
    rereadBudgetBytes += in.bytePosition() - offset;
    frameHeaderSample = headerSample(current);
    confirmNumbering();

    if (!positionKnown) {
      expectedSample = frameHeaderSample;
      positionKnown = true;
    } else if (lost) {
      long gap = frameHeaderSample - expectedSample;
      if (gap > 0 && gap <= MAX_SILENCE_FILL_SAMPLES) {
        silenceBefore = gap;
        warnings.add(
            Reason.CORRUPT_DATA,
            gap + " samples lost before the frame at offset " + offset + " replaced by silence");
      } else if (gap != 0) {
        warnings.add(
            Reason.CORRUPT_DATA,
            "frame at offset "
                + offset
                + " starts at sample "
                + frameHeaderSample
                + " but "
                + expectedSample
                + " was expected; gap not filled");
      }
    }
    lost = false;
    lostUntilSample = -1;
    endTruncated = false;
    frameStartSample = expectedSample + silenceBefore;
    expectedSample = frameStartSample + current.blockSize;

    if (!warnedBlockSize && current.blockSize > info.maxBlockSize()) {
      warnedBlockSize = true;
      warnings.add(
          Reason.BAD_HEADER,
          "frame block size "
              + current.blockSize
              + " exceeds the STREAMINFO maximum "
              + info.maxBlockSize());
    }
  }

  /**
   * Settles whether a stream with the blocking strategy bit clear codes frame numbers (the
   * standard) or sample numbers (variable-blocksize encoders before FLAC 1.2.0), by comparing a
   * frame's number with the sample position reached by counting.
   */
  private void confirmNumbering() {
    if (numberingConfirmed || current.variableBlockSize || !positionKnown || lost) {
      return;
    }
    if (expectedSample == 0) {
      return;
    }
    long number = current.codedNumber;
    if (nominalBlockSize > 0 && number * nominalBlockSize == expectedSample) {
      sampleNumbered = false;
      numberingConfirmed = true;
    } else if (number == expectedSample) {
      sampleNumbered = true;
      numberingConfirmed = true;
    }
    frameHeaderSample = headerSample(current);
  }

  private void finishStream(long searchFrom) {
    trailingSilence = 0;
    long end = in.bytePosition();
    if (end > searchFrom && !lost && !endTruncated) {
      warnings.add(
          Reason.CORRUPT_DATA,
          (end - searchFrom)
              + " bytes at offset "
              + searchFrom
              + " after the last frame are not a frame");
    }
    if (lost && !endTruncated && positionKnown) {
      long target = Math.max(lostUntilSample, info.totalSamples());
      long gap = target - expectedSample;
      if (gap > 0 && gap <= MAX_SILENCE_FILL_SAMPLES) {
        trailingSilence = gap;
        warnings.add(
            Reason.CORRUPT_DATA,
            gap + " samples lost at the end of the stream replaced by silence");
      }
    }
    lost = false;
    lostUntilSample = -1;
    expectedSample += trailingSilence;
  }

  /**
   * Advances to the next byte pair that starts a frame sync code (0xFFF8 or 0xFFF9).
   *
   * @return its stream offset, or -1 if the stream ends first
   */
  private long findSync() throws IOException {
    while (true) {
      int available = in.ensureBytes(2);
      if (available < 2) {
        in.advance(available);
        return -1;
      }
      byte[] window = in.window();
      int start = in.windowIndex();
      int last = start + available - 1;
      for (int i = start; i < last; i++) {
        if (window[i] == (byte) 0xFF && (window[i + 1] & 0xFE) == 0xF8) {
          in.advance(i - start);
          return in.bytePosition();
        }
      }
      in.advance(last - start);
    }
  }
}
