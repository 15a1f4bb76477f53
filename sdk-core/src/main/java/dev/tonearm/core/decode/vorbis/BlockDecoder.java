package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.ogg.OggPacket;
import java.util.Arrays;

/**
 * Decodes Vorbis audio packets into float PCM (Vorbis I specification, section 4.3): floors,
 * residues, inverse coupling, floor application, inverse MDCT, windowing and overlap-add.
 *
 * <p>Each packet completes the overlap with the previous block and makes {@code prevN/4 +
 * curN/4} frames available; the first packet after {@link #reset()} makes none. The window slopes
 * follow the actual sizes of the two overlapping blocks, as libvorbis 1.3.7 does, rather than the
 * window flags stored in long-block packets. A packet that is not an audio packet or names an
 * undefined mode is rejected without changing the state, matching libvorbis, which skips such
 * packets.
 *
 * <p>Not thread-safe; one per decoder and link.
 */
final class BlockDecoder {
  /** Result of {@link #decode} for a packet that was rejected. */
  static final int REJECTED = -1;

  private final int channels;
  private final int[] blockSizes;
  private final VorbisSetup setup;
  private final Imdct[] transforms;
  private final float[][] windows;
  private final BitReader in = new BitReader();

  /** Residue spectrum, then DCT-IV output, of the current block per channel. */
  private float[][] current;
  /** DCT-IV output of the previous block per channel. */
  private float[][] previous;
  private final boolean[] previousSilent;
  private final boolean[] currentSilent;
  private final float[][] output;
  /** Stands in for the DCT-IV output of a silent block. */
  private final float[] zeros;

  private final boolean[] floorUsed;
  private final boolean[] nonzero;
  private final int[][] floorInts;
  private final float[][] floorFloats;
  private final int[][] classes;
  private final float[][] submapVectors;
  private final boolean[] submapDoNotDecode;

  /** Block size of the previous block, or 0 when there is none. */
  private int previousBlockSize;

  BlockDecoder(IdentificationHeader id, VorbisSetup setup) {
    this.channels = id.channels;
    this.blockSizes = new int[] {id.blockSize0, id.blockSize1};
    this.setup = setup;
    this.transforms = new Imdct[] {new Imdct(id.blockSize0), new Imdct(id.blockSize1)};
    this.windows = new float[][] {slope(id.blockSize0 / 2), slope(id.blockSize1 / 2)};
    int maxHalf = id.blockSize1 / 2;
    this.current = new float[channels][maxHalf];
    this.previous = new float[channels][maxHalf];
    this.previousSilent = new boolean[channels];
    this.currentSilent = new boolean[channels];
    this.output = new float[channels][maxHalf];
    this.zeros = new float[maxHalf];
    this.floorUsed = new boolean[channels];
    this.nonzero = new boolean[channels];
    int intScratch = 0;
    int floatScratch = 0;
    for (Floor floor : setup.floors) {
      intScratch = Math.max(intScratch, floor.intScratchLength());
      floatScratch = Math.max(floatScratch, floor.floatScratchLength());
    }
    this.floorInts = new int[channels][intScratch];
    this.floorFloats = new float[channels][floatScratch];
    int classScratch = 0;
    for (Residue residue : setup.residues) {
      classScratch = Math.max(classScratch,
          residue.classificationScratchLength(maxHalf, channels));
    }
    this.classes = new int[channels][classScratch];
    this.submapVectors = new float[channels][];
    this.submapDoNotDecode = new boolean[channels];
  }

  /** Forgets the previous block, as at the start of a stream or after a seek. */
  void reset() {
    previousBlockSize = 0;
  }

  /**
   * Returns the block size that {@code packet} decodes to, or 0 when {@link #decode} would
   * reject it.
   */
  int blockSizeOf(OggPacket packet) {
    return setup.blockSizeOf(packet, in);
  }

  /**
   * Decodes {@code packet}.
   *
   * @return frames now available in {@link #output()}, or {@link #REJECTED}
   */
  int decode(OggPacket packet) {
    in.reset(packet.data(), 0, packet.length());
    int mode = readMode();
    if (mode < 0) {
      return REJECTED;
    }
    int blockFlag = setup.modeBlockFlag[mode] ? 1 : 0;
    if (blockFlag == 1) {
      // Window shape flags of the previous and next block. Overlap uses the real neighbours.
      in.readBits(1);
      if (in.readBits(1) < 0) {
        return REJECTED;
      }
    }
    int blockSize = blockSizes[blockFlag];
    int n = blockSize / 2;
    Mapping mapping = setup.mappings[setup.modeMapping[mode]];

    for (int ch = 0; ch < channels; ch++) {
      Floor floor = setup.floors[mapping.submapFloor[mapping.channelSubmap[ch]]];
      floorUsed[ch] = floor.decode(in, setup.codebooks, blockFlag, floorInts[ch],
          floorFloats[ch]);
      nonzero[ch] = floorUsed[ch];
      Arrays.fill(current[ch], 0, n, 0f);
    }
    for (int step = 0; step < mapping.couplingMagnitude.length; step++) {
      int magnitude = mapping.couplingMagnitude[step];
      int angle = mapping.couplingAngle[step];
      if (nonzero[magnitude] || nonzero[angle]) {
        nonzero[magnitude] = true;
        nonzero[angle] = true;
      }
    }
    for (int submap = 0; submap < mapping.submaps; submap++) {
      int count = 0;
      for (int ch = 0; ch < channels; ch++) {
        if (mapping.channelSubmap[ch] == submap) {
          submapVectors[count] = current[ch];
          submapDoNotDecode[count] = !nonzero[ch];
          count++;
        }
      }
      setup.residues[mapping.submapResidue[submap]].decode(in, setup.codebooks, submapVectors,
          submapDoNotDecode, count, n, classes);
    }
    for (int step = mapping.couplingMagnitude.length - 1; step >= 0; step--) {
      uncouple(current[mapping.couplingMagnitude[step]], current[mapping.couplingAngle[step]],
          n);
    }
    for (int ch = 0; ch < channels; ch++) {
      currentSilent[ch] = !floorUsed[ch];
      if (floorUsed[ch]) {
        Floor floor = setup.floors[mapping.submapFloor[mapping.channelSubmap[ch]]];
        floor.apply(current[ch], n, blockFlag, floorInts[ch], floorFloats[ch]);
        transforms[blockFlag].dct4(current[ch], current[ch]);
      }
    }
    int frames = previousBlockSize == 0 ? 0 : overlap(blockSize);
    float[][] swap = previous;
    previous = current;
    current = swap;
    System.arraycopy(currentSilent, 0, previousSilent, 0, channels);
    previousBlockSize = blockSize;
    return frames;
  }

  /** Decoded frames of the last {@link #decode} call, per channel in Vorbis channel order. */
  float[][] output() {
    return output;
  }

  private int readMode() {
    return setup.readMode(in);
  }

  /** Inverse square polar coupling (specification, section 4.3.5), branch-light. */
  private static void uncouple(float[] magnitudes, float[] angles, int n) {
    for (int i = 0; i < n; i++) {
      float m = magnitudes[i];
      float a = angles[i];
      float signedAngle = m > 0 ? a : -a;
      boolean positiveAngle = a > 0;
      // Unconditional stores of selected values let the JIT use conditional moves.
      magnitudes[i] = positiveAngle ? m : m + signedAngle;
      angles[i] = positiveAngle ? m - signedAngle : m;
    }
  }

  /**
   * Overlap-adds the right half of the previous block and the left half of the current one into
   * {@link #output}; returns the frame count, {@code prevN/4 + curN/4}.
   *
   * <p>Both halves are read from DCT-IV outputs through the inverse MDCT symmetry (see {@link
   * Imdct}): with {@code M} the half block size, the right half of a block is {@code -u[M/2-1-t]}
   * then {@code -u[t-M/2]}, and the left half is {@code u[t+M/2]} then {@code -u[3M/2-1-t]}. The
   * window slope of length {@code W = min(prevM, curM)} is centred on output index {@code
   * prevM/2}; before it only the previous block contributes, after it only the current one.
   */
  private int overlap(int blockSize) {
    int prevHalf = previousBlockSize / 2;
    int curHalf = blockSize / 2;
    int slope = Math.min(prevHalf, curHalf);
    int halfSlope = slope / 2;
    float[] window = windows[slope == blockSizes[0] / 2 ? 0 : 1];
    int frames = prevHalf / 2 + curHalf / 2;
    int slopeStart = prevHalf / 2 - halfSlope;
    int slopeEnd = prevHalf / 2 + halfSlope;
    for (int ch = 0; ch < channels; ch++) {
      float[] out = output[ch];
      float[] prev = previousSilent[ch] ? zeros : previous[ch];
      float[] cur = currentSilent[ch] ? zeros : current[ch];
      // Previous block alone (previous long, current short).
      for (int t = 0, p = prevHalf / 2 - 1; t < slopeStart; t++, p--) {
        out[t] = -prev[p];
      }
      // The slope in mirrored pairs: index slopeStart + j reads previous -u[W/2-1-j] and current
      // u[curM-W/2+j]; its mirror slopeStart + W-1-j reads the same two values with the window
      // weights swapped and the current value negated.
      for (int j = 0, p = halfSlope - 1, c = curHalf - halfSlope; j < halfSlope; j++, p--, c++) {
        float a = prev[p];
        float b = cur[c];
        float rising = window[j];
        float falling = window[slope - 1 - j];
        out[slopeStart + j] = b * rising - a * falling;
        out[slopeEnd - 1 - j] = -a * rising - b * falling;
      }
      // Current block alone (previous short, current long).
      for (int t = slopeEnd, c = curHalf - 1 - halfSlope; t < frames; t++, c--) {
        out[t] = -cur[c];
      }
    }
    return frames;
  }

  /** Computes the Vorbis window slope of {@code length} samples (specification, 4.3.1). */
  private static float[] slope(int length) {
    float[] w = new float[length];
    for (int i = 0; i < length; i++) {
      double s = Math.sin((i + 0.5) / length * Math.PI / 2);
      w[i] = (float) Math.sin(Math.PI / 2 * s * s);
    }
    return w;
  }
}
