package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.util.Arrays;

/**
 * A Vorbis codebook (Vorbis I specification, section 3): a prefix code over its entries and, for
 * lookup types 1 and 2, a vector of floats for each entry.
 *
 * <p>Codewords are assigned in entry order, each taking the lowest free codeword of its length.
 * Decoding looks up the next {@link #FAST_BITS} bits in a table and falls back to a binary search
 * over the longer codewords, aligned to the most significant bit. A codebook with one used entry
 * decodes that entry for any input and consumes its declared length, as libvorbis 1.3.7 does.
 * Immutable after construction; safe to share between threads.
 */
final class Codebook {
  /** Bits resolved by one table lookup. */
  static final int FAST_BITS = 10;

  final int dimensions;
  final int entries;
  /** Codeword length of each entry, 0 for unused entries. */
  final byte[] lengths;
  final int lookupType;
  /** Vector of entry {@code e} at {@code values[e * dimensions ...]}; null for lookup type 0. */
  final float[] values;

  private final int usedEntries;
  private final int singleEntry;
  private final int fastBits;
  /** Indexed by the next {@code fastBits} bits: {@code entry << 6 | length}, or -1. */
  private final int[] fastTable;
  /** Codewords longer than {@code fastBits}, aligned to bit 31 and sorted unsigned. */
  private final int[] longCodes;
  private final int[] longEntries;
  private final byte[] longLengths;

  private Codebook(int dimensions, int entries, byte[] lengths, int lookupType, float[] values)
      throws DecoderException {
    this.dimensions = dimensions;
    this.entries = entries;
    this.lengths = lengths;
    this.lookupType = lookupType;
    this.values = values;

    int used = 0;
    int single = -1;
    int maxLength = 0;
    for (int i = 0; i < entries; i++) {
      if (lengths[i] > 0) {
        used++;
        single = i;
        maxLength = Math.max(maxLength, lengths[i]);
      }
    }
    this.usedEntries = used;
    this.singleEntry = used == 1 ? single : -1;
    this.fastBits = Math.max(1, Math.min(FAST_BITS, maxLength));
    this.fastTable = new int[1 << fastBits];
    Arrays.fill(fastTable, -1);
    if (used <= 1) {
      longCodes = new int[0];
      longEntries = new int[0];
      longLengths = new byte[0];
      return;
    }
    int[] codes = assignCodewords(lengths, entries);
    int longCount = 0;
    for (int i = 0; i < entries; i++) {
      int length = lengths[i];
      if (length == 0) {
        continue;
      }
      if (length <= fastBits) {
        int reversed = Integer.reverse(codes[i]);
        for (int fill = 0; fill < (1 << (fastBits - length)); fill++) {
          fastTable[reversed | (fill << length)] = i << 6 | length;
        }
      } else {
        longCount++;
      }
    }
    long[] sortable = new long[longCount];
    int n = 0;
    for (int i = 0; i < entries; i++) {
      if (lengths[i] > fastBits) {
        // 32-bit codeword above a 31-bit entry number keeps the long positive, so signed
        // sorting orders codewords as unsigned values.
        sortable[n++] = (codes[i] & 0xFFFF_FFFFL) << 31 | i;
      }
    }
    Arrays.sort(sortable);
    longCodes = new int[longCount];
    longEntries = new int[longCount];
    longLengths = new byte[longCount];
    for (int i = 0; i < longCount; i++) {
      longCodes[i] = (int) (sortable[i] >>> 31);
      longEntries[i] = (int) (sortable[i] & 0x7FFF_FFFF);
      longLengths[i] = lengths[longEntries[i]];
    }
  }

  /**
   * Reads one codebook from the setup header.
   *
   * @param budget running totals that bound memory across all codebooks of a setup header
   */
  static Codebook read(BitReader in, SetupBudget budget) throws DecoderException {
    if (in.readBits(24) != 0x564342) {
      throw badHeader("codebook sync pattern 0x564342 missing");
    }
    int dimensions = in.readBits(16);
    int entries = in.readBits(24);
    if (dimensions < 0 || entries < 0) {
      throw truncated();
    }
    if (ilog(dimensions) + ilog(entries) > 24) {
      throw badHeader(
          "codebook of " + entries + " entries of " + dimensions + " dimensions is too large");
    }
    budget.addEntries(entries);
    byte[] lengths = new byte[entries];
    boolean ordered = in.readFlag();
    if (!ordered) {
      boolean sparse = in.readFlag();
      if ((entries * (sparse ? 1L : 5L) + 7) / 8 > in.remainingBits() / 8 + 1) {
        throw truncated();
      }
      for (int i = 0; i < entries; i++) {
        if (!sparse || in.readFlag()) {
          int length = in.readBits(5);
          if (length < 0) {
            throw truncated();
          }
          lengths[i] = (byte) (length + 1);
        }
      }
    } else {
      int length = in.readBits(5) + 1;
      int i = 0;
      while (i < entries) {
        int count = in.readBits(ilog(entries - i));
        if (count < 0 || in.isEndOfPacket()) {
          throw truncated();
        }
        if (length > 32 || count > entries - i || (count > 0 && (count - 1) >> (length - 1) > 1)) {
          throw badHeader("invalid ordered codeword lengths in codebook");
        }
        Arrays.fill(lengths, i, i + count, (byte) length);
        i += count;
        length++;
      }
    }
    int lookupType = in.readBits(4);
    float[] values = null;
    if (lookupType == 1 || lookupType == 2) {
      values = readLookup(in, lookupType, dimensions, entries, lengths, budget);
    } else if (lookupType != 0) {
      throw badHeader("codebook lookup type must be 0, 1 or 2: " + lookupType);
    }
    if (in.isEndOfPacket()) {
      throw truncated();
    }
    return new Codebook(dimensions, entries, lengths, lookupType, values);
  }

  private static float[] readLookup(
      BitReader in, int lookupType, int dimensions, int entries, byte[] lengths,
      SetupBudget budget) throws DecoderException {
    long minimumBits = in.readUnsigned32();
    long deltaBits = in.readUnsigned32();
    int valueBits = in.readBits(4) + 1;
    boolean sequenceP = in.readFlag();
    if (in.isEndOfPacket()) {
      throw truncated();
    }
    float minimum = unpackFloat(minimumBits);
    float delta = unpackFloat(deltaBits);
    long quantValues =
        lookupType == 1 ? lookup1Values(entries, dimensions) : (long) entries * dimensions;
    if ((quantValues * valueBits + 7) / 8 > in.remainingBits() / 8 + 1) {
      throw truncated();
    }
    int[] multiplicands = new int[(int) quantValues];
    for (int i = 0; i < quantValues; i++) {
      multiplicands[i] = in.readBits(valueBits);
    }
    if (in.isEndOfPacket()) {
      throw truncated();
    }
    budget.addLookupValues((long) entries * dimensions);
    float[] values = new float[entries * dimensions];
    for (int entry = 0; entry < entries; entry++) {
      if (lengths[entry] == 0) {
        continue;
      }
      float last = 0f;
      long indexDivisor = 1;
      for (int d = 0; d < dimensions; d++) {
        int index;
        if (lookupType == 1) {
          index = (int) ((entry / indexDivisor) % quantValues);
          // Once the divisor exceeds every entry number, all further indices are 0.
          indexDivisor = Math.min(indexDivisor * quantValues, 1L << 32);
        } else {
          index = entry * dimensions + d;
        }
        // Evaluated in double and rounded once, as libvorbis 1.3.7 does, so that vectors are
        // bit-identical to the reference decoder's.
        float value = (float) ((double) multiplicands[index] * delta + minimum + last);
        if (sequenceP) {
          last = value;
        }
        values[entry * dimensions + d] = value;
      }
    }
    return values;
  }

  /**
   * Decodes one entry number, or returns -1 when the packet ends before a whole codeword
   * (the caller treats that as the end-of-packet condition).
   */
  int decode(BitReader in) {
    if (in.bufferedBits < 32) {
      in.refill();
    }
    if (singleEntry >= 0) {
      int length = lengths[singleEntry];
      if (length > in.bufferedBits) {
        in.markEndOfPacket();
        return -1;
      }
      in.consume(length);
      return singleEntry;
    }
    int packed = fastTable[(int) in.accumulator & ((1 << fastBits) - 1)];
    int length;
    int entry;
    if (packed >= 0) {
      length = packed & 63;
      entry = packed >>> 6;
    } else {
      int word = Integer.reverse((int) in.accumulator);
      int low = 0;
      int high = longCodes.length - 1;
      if (high < 0 || Integer.compareUnsigned(longCodes[0], word) > 0) {
        in.markEndOfPacket();
        return -1;
      }
      while (low < high) {
        int mid = (low + high + 1) >>> 1;
        if (Integer.compareUnsigned(longCodes[mid], word) <= 0) {
          low = mid;
        } else {
          high = mid - 1;
        }
      }
      length = longLengths[low];
      entry = longEntries[low];
    }
    if (length > in.bufferedBits) {
      in.markEndOfPacket();
      return -1;
    }
    in.consume(length);
    return entry;
  }

  /** Returns whether the codebook has a used entry; residue decoding skips codebooks without. */
  boolean hasUsedEntries() {
    return usedEntries > 0;
  }

  /**
   * Assigns codewords in entry order (Vorbis I specification, section 3.2.1): each entry takes the
   * lowest free codeword of its length. Returns codewords aligned to bit 31.
   *
   * @throws DecoderException when the lengths over- or under-specify a prefix code
   */
  static int[] assignCodewords(byte[] lengths, int entries) throws DecoderException {
    int[] codes = new int[entries];
    // free[d]: lowest free codeword at depth d, aligned to bit 31, or 0 for none. Depth 0 is the
    // root; a free root means nothing has been assigned yet.
    long[] free = new long[33];
    boolean first = true;
    for (int i = 0; i < entries; i++) {
      int length = lengths[i];
      if (length == 0) {
        continue;
      }
      long code;
      if (first) {
        first = false;
        code = 0;
        for (int d = 1; d <= length; d++) {
          free[d] = 1L << (32 - d);
        }
      } else {
        int depth = length;
        while (depth > 0 && free[depth] == 0) {
          depth--;
        }
        if (depth == 0) {
          throw badHeader("codebook codeword lengths over-specify the prefix code");
        }
        code = free[depth];
        free[depth] = 0;
        for (int d = length; d > depth; d--) {
          free[d] = code + (1L << (32 - d));
        }
      }
      codes[i] = (int) code;
    }
    for (int d = 1; d <= 32; d++) {
      if (free[d] != 0) {
        throw badHeader("codebook codeword lengths under-specify the prefix code");
      }
    }
    return codes;
  }

  /** Unpacks the Vorbis 32-bit float format (specification, section 9.2.2). */
  static float unpackFloat(long bits) {
    double mantissa = bits & 0x1F_FFFF;
    if ((bits & 0x8000_0000L) != 0) {
      mantissa = -mantissa;
    }
    int exponent = (int) ((bits & 0x7FE0_0000L) >>> 21) - 788;
    // libvorbis 1.3.7 clamps the exponent to [-63, 63]; doing the same keeps values identical.
    exponent = Math.max(-63, Math.min(63, exponent));
    return (float) (mantissa * Math.pow(2, exponent));
  }

  /** Returns the greatest integer v with v^dimensions <= entries (specification, 9.2.3). */
  static long lookup1Values(int entries, int dimensions) {
    if (entries < 1 || dimensions < 1) {
      return 0;
    }
    long value = (long) Math.floor(Math.pow(entries, 1.0 / dimensions));
    while (value > 1 && power(value, dimensions) > entries) {
      value--;
    }
    while (power(value + 1, dimensions) <= entries) {
      value++;
    }
    return Math.max(value, 1);
  }

  private static long power(long base, int exponent) {
    long result = 1;
    for (int i = 0; i < exponent; i++) {
      result *= base;
      if (result > Integer.MAX_VALUE) {
        return Long.MAX_VALUE;
      }
    }
    return result;
  }

  static int ilog(long value) {
    return value <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(value);
  }

  private static DecoderException badHeader(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis setup header: " + message);
  }

  private static DecoderException truncated() {
    return new DecoderException(
        Reason.BAD_HEADER, "invalid Vorbis setup header: a codebook ends past the packet end");
  }
}
