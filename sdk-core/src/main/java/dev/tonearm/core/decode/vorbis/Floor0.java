package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;

/**
 * Floor type 0 (Vorbis I specification, section 6): an LSP filter response on a Bark-scale map.
 * Only very early encoders (before libvorbis 1.0) wrote it.
 *
 * <p>The curve is evaluated with libvorbis 1.3.7's exact (non-lookup) float formulation, with the
 * same float and double steps, so that output stays within one LSB of the reference decoder.
 * Immutable after setup.
 */
final class Floor0 extends Floor {
  private final int order;
  private final long rate;
  private final int barkMapSize;
  private final int amplitudeBits;
  private final int amplitudeOffset;
  private final int[] books;
  private final int maxDimensions;
  /** Bark map for short and long blocks, each ending in a -1 sentinel. */
  private final int[][] barkMaps = new int[2][];

  private Floor0(
      int order,
      long rate,
      int barkMapSize,
      int amplitudeBits,
      int amplitudeOffset,
      int[] books,
      int maxDimensions,
      int[] blockSizes) {
    this.order = order;
    this.rate = rate;
    this.barkMapSize = barkMapSize;
    this.amplitudeBits = amplitudeBits;
    this.amplitudeOffset = amplitudeOffset;
    this.books = books;
    this.maxDimensions = maxDimensions;
    for (int flag = 0; flag < 2; flag++) {
      barkMaps[flag] = buildMap(blockSizes[flag] / 2);
    }
  }

  /** Reads a floor 0 configuration from the setup header. */
  static Floor0 read(BitReader in, Codebook[] codebooks, int[] blockSizes)
      throws DecoderException {
    int order = in.readBits(8);
    long rate = in.readBits(16);
    int barkMapSize = in.readBits(16);
    int amplitudeBits = in.readBits(6);
    int amplitudeOffset = in.readBits(8);
    int bookCount = in.readBits(4) + 1;
    if (in.isEndOfPacket()) {
      throw badFloor("the floor 0 configuration ends past the packet end");
    }
    if (order < 1 || rate < 1 || barkMapSize < 1 || bookCount < 1) {
      throw badFloor("order, rate and Bark map size must be positive: order " + order + ", rate "
          + rate + ", Bark map size " + barkMapSize);
    }
    int[] books = new int[bookCount];
    int maxDimensions = 1;
    for (int i = 0; i < bookCount; i++) {
      int book = in.readBits(8);
      if (book < 0 || book >= codebooks.length) {
        throw badFloor("codebook " + book + " does not exist");
      }
      Codebook codebook = codebooks[book];
      if (codebook.values == null || codebook.dimensions < 1) {
        throw badFloor("codebook " + book + " has no value vectors");
      }
      books[i] = book;
      maxDimensions = Math.max(maxDimensions, codebook.dimensions);
    }
    return new Floor0(order, rate, barkMapSize, amplitudeBits, amplitudeOffset, books,
        maxDimensions, blockSizes);
  }

  @Override
  int intScratchLength() {
    return 0;
  }

  @Override
  int floatScratchLength() {
    // LSP coefficients, room for one overrun vector, and the amplitude.
    return order + maxDimensions + 1;
  }

  @Override
  boolean decode(BitReader in, Codebook[] codebooks, int blockFlag, int[] unusedIntScratch,
      float[] lsp) {
    int amplitudeRaw = in.readBits(amplitudeBits);
    if (amplitudeRaw <= 0) {
      return false;
    }
    long maxAmplitude = (1L << amplitudeBits) - 1;
    float amplitude = (float) amplitudeRaw / maxAmplitude * amplitudeOffset;
    int bookNumber = in.readBits(Codebook.ilog(books.length));
    if (bookNumber < 0 || bookNumber >= books.length) {
      return false;
    }
    Codebook book = codebooks[books[bookNumber]];
    int dimensions = book.dimensions;
    if (book.hasUsedEntries()) {
      for (int i = 0; i < order; ) {
        int entry = book.decode(in);
        if (entry < 0) {
          return false;
        }
        int base = entry * dimensions;
        for (int d = 0; i < order && d < dimensions; d++) {
          lsp[i++] = book.values[base + d];
        }
      }
    } else {
      for (int i = 0; i < order; i++) {
        lsp[i] = 0f;
      }
    }
    float last = 0f;
    for (int j = 0; j < order; ) {
      for (int k = 0; j < order && k < dimensions; k++, j++) {
        lsp[j] += last;
      }
      last = lsp[j - 1];
    }
    lsp[order] = amplitude;
    return true;
  }

  @Override
  void apply(float[] curve, int n, int blockFlag, int[] unusedIntScratch, float[] lsp) {
    int[] map = barkMaps[blockFlag];
    float amplitude = lsp[order];
    float frequencyStep = (float) (Math.PI / barkMapSize);
    for (int i = 0; i < order; i++) {
      lsp[i] = (float) (2.0f * Math.cos(lsp[i]));
    }
    int i = 0;
    while (i < n) {
      int k = map[i];
      float p = 0.5f;
      float q = 0.5f;
      float w = (float) (2.0f * Math.cos(frequencyStep * k));
      int j;
      for (j = 1; j < order; j += 2) {
        q *= w - lsp[j - 1];
        p *= w - lsp[j];
      }
      if (j == order) {
        // Odd order: one coefficient left over.
        q *= w - lsp[j - 1];
        p *= p * (4.0f - w * w);
        q *= q;
      } else {
        p *= p * (2.0f - w);
        q *= q * (2.0f + w);
      }
      float value =
          (float) Math.exp((amplitude / Math.sqrt(p + q) - amplitudeOffset) * 0.11512925f);
      curve[i] *= value;
      while (map[++i] == k) {
        curve[i] *= value;
      }
    }
  }

  private int[] buildMap(int n) {
    int[] map = new int[n + 1];
    float halfRate = rate / 2.0f;
    float scale = (float) (barkMapSize / bark(halfRate));
    for (int j = 0; j < n; j++) {
      float frequency = halfRate / n * j;
      int value = (int) Math.floor(bark(frequency) * scale);
      map[j] = Math.min(value, barkMapSize - 1);
    }
    map[n] = -1;
    return map;
  }

  /** The Bark scale approximation of the specification (section 6.2.3), in libvorbis's types. */
  private static double bark(float frequency) {
    return 13.1f * Math.atan(0.00074f * frequency)
        + 2.24f * Math.atan(frequency * frequency * 1.85e-8f)
        + 1e-4f * frequency;
  }

  private static DecoderException badFloor(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis floor 0 configuration: "
        + message);
  }
}
