package dev.tonearm.core.decode;

/**
 * A reusable holder for one block of decoded PCM, filled by {@link Decoder#read(PcmBuffer)}.
 *
 * <p>Not thread-safe: one buffer belongs to one reading thread. Decoders grow {@link #samples}
 * with {@link #ensureCapacity(int)} when a block does not fit, so callers that reuse a buffer
 * allocate only until the largest block size of the stream is reached.
 */
public final class PcmBuffer {
  /** Interleaved signed samples; only the first {@code frames * format.channels()} are valid. */
  public int[] samples;

  /** Valid frames in {@link #samples}. */
  public int frames;

  /** Layout of the samples in this block. */
  public PcmFormat format;

  /**
   * Zero-based index of the chained Ogg link (or other logical stream) these frames belong to.
   * Always 0 for single-stream files.
   */
  public int link;

  /** Creates an empty buffer; decoders size it on first use. */
  public PcmBuffer() {
    this.samples = new int[0];
  }

  /** Creates a buffer with room for {@code sampleCapacity} samples. */
  public PcmBuffer(int sampleCapacity) {
    this.samples = new int[sampleCapacity];
  }

  /** Grows {@link #samples} to hold at least {@code sampleCount} samples, keeping no contents. */
  public int[] ensureCapacity(int sampleCount) {
    if (samples.length < sampleCount) {
      samples = new int[sampleCount];
    }
    return samples;
  }
}
