package dev.tonearm.core.decode.vorbis;

/**
 * A floor: the spectral envelope of one channel of a block (Vorbis I specification, sections 6
 * and 7). Decoding reads the floor's parameters from the packet into per-channel scratch arrays;
 * applying multiplies the channel's residue spectrum by the envelope. Immutable after setup.
 */
abstract class Floor {
  /** Length of the int scratch array that {@link #decode} needs per channel. */
  abstract int intScratchLength();

  /** Length of the float scratch array that {@link #decode} needs per channel. */
  abstract int floatScratchLength();

  /**
   * Reads this channel's floor data.
   *
   * @param blockFlag 0 for a short block, 1 for a long block
   * @return false when the floor is unused in this packet (the channel is silent), including when
   *     the packet ends inside the floor data
   */
  abstract boolean decode(
      BitReader in, Codebook[] books, int blockFlag, int[] intScratch, float[] floatScratch);

  /**
   * Multiplies {@code spectrum[0..n)} by the envelope that {@link #decode} read.
   *
   * @param n half the block size
   */
  abstract void apply(
      float[] spectrum, int n, int blockFlag, int[] intScratch, float[] floatScratch);
}
