package dev.tonearm.core.sink;

import dev.tonearm.core.decode.PcmFormat;
import java.io.Closeable;
import java.io.IOException;

/**
 * Destination of decoded PCM: a sound device, a file or nothing (for benchmarks).
 *
 * <p>Threading: one playback thread calls {@link #open}, {@link #write} and {@link #close}.
 * {@link #write} may block while a device drains its buffer; file sinks never block on time.
 */
public interface AudioSink extends Closeable {
  /**
   * Prepares the sink for samples in {@code format}. Called before the first write and again,
   * after {@link #drain()}, whenever the format changes between tracks.
   */
  void open(PcmFormat format) throws IOException;

  /**
   * Writes {@code frames} frames of interleaved signed samples in the format given to {@link
   * #open}.
   */
  void write(int[] samples, int frames) throws IOException;

  /** Blocks until every written frame has been played or stored. */
  void drain() throws IOException;

  /**
   * Whether the sink plays at the speed of a clock (a sound device) rather than as fast as it is
   * fed (a file).
   */
  boolean isRealTime();
}
