package dev.tonearm.core.decode;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A streaming audio decoder: reads encoded bytes from a {@link ByteSource} a block at a time and
 * never buffers the whole file.
 *
 * <p>Every failure, including runtime errors raised by codec code, reaches the caller as a
 * {@link DecoderException} with a reason code. Non-fatal problems that the decoder recovered from
 * (junk skipped between pages, a truncated final page) are collected in {@link #warnings()}.
 *
 * <p>Threading: a decoder is used by one thread at a time and does no work on other threads.
 */
public interface Decoder extends Closeable {
  /** Short codec name: {@code "flac"} or {@code "vorbis"}. */
  String codec();

  /**
   * Returns the format of the next frames that {@link #read} returns, reading stream headers if
   * that has not happened yet. The format can change between reads at a chained-stream boundary;
   * each {@link PcmBuffer} carries the format of its own frames.
   */
  PcmFormat format() throws IOException;

  /**
   * Decodes the next block into {@code buffer}, replacing its contents.
   *
   * @return frames decoded (at least 1), or -1 at the end of the stream
   */
  int read(PcmBuffer buffer) throws IOException;

  /**
   * Total frames in the stream (all links for chained streams), or -1 when the container does
   * not say and the decoder has not yet reached the end.
   */
  long totalFrames() throws IOException;

  /** Whether {@link #seekToFrame(long)} is available for this stream and source. */
  boolean isSeekable();

  /**
   * Positions the decoder so that the next {@link #read} starts exactly at {@code frame}, counted
   * from the start of the first link.
   *
   * @throws DecoderException with {@link DecoderException.Reason#SEEK_UNSUPPORTED} when the
   *     stream or source cannot seek, or {@link DecoderException.Reason#SEEK_OUT_OF_RANGE}
   */
  void seekToFrame(long frame) throws IOException;

  /** Frame position of the next frame that {@link #read} returns. */
  long positionFrames();

  /** Problems the decoder recovered from so far, oldest first. */
  List<DecoderException> warnings();
}
