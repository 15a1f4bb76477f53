package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;

/**
 * Floor type 1 (Vorbis I specification, section 7): a piecewise-linear envelope in the dB domain
 * through up to 65 points, drawn with integer line steps and mapped through a 256-entry dB table.
 * Immutable after setup.
 */
final class Floor1 extends Floor {
  /** Maximum points in the X list, the two implicit end points included (specification, 7.2.2). */
  static final int MAX_POINTS = 65;

  /** Marks a Y value whose point is unused in this packet. */
  private static final int UNUSED = 0x8000;

  private static final int[] RANGES = {256, 128, 86, 64};

  /**
   * Linear amplitude of each floor value: 0.546875 dB steps from -139.45 dB (value 0) to 0 dB
   * (value 255), as the specification's table in section 10.1 lists them.
   */
  private static final float[] INVERSE_DB = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      INVERSE_DB[i] = (float) Math.pow(10.0, (i - 255) * 0.546875 / 20.0);
    }
  }

  private final int[] partitionClass;
  private final int[] classDimensions;
  private final int[] classSubclassBits;
  private final int[] classMasterBook;
  private final int[][] subclassBooks;
  private final int multiplier;
  private final int range;
  private final int yBits;
  private final int[] xList;
  private final int points;
  /** Point indices sorted by X. */
  private final int[] sortedOrder;
  private final int[] lowNeighbor;
  private final int[] highNeighbor;

  private Floor1(
      int[] partitionClass,
      int[] classDimensions,
      int[] classSubclassBits,
      int[] classMasterBook,
      int[][] subclassBooks,
      int multiplier,
      int[] xList,
      int points) {
    this.partitionClass = partitionClass;
    this.classDimensions = classDimensions;
    this.classSubclassBits = classSubclassBits;
    this.classMasterBook = classMasterBook;
    this.subclassBooks = subclassBooks;
    this.multiplier = multiplier;
    this.range = RANGES[multiplier - 1];
    this.yBits = Codebook.ilog(range - 1);
    this.xList = xList;
    this.points = points;
    this.sortedOrder = new int[points];
    for (int i = 0; i < points; i++) {
      sortedOrder[i] = i;
    }
    // Insertion sort: at most 65 points.
    for (int i = 1; i < points; i++) {
      int current = sortedOrder[i];
      int j = i - 1;
      while (j >= 0 && xList[sortedOrder[j]] > xList[current]) {
        sortedOrder[j + 1] = sortedOrder[j];
        j--;
      }
      sortedOrder[j + 1] = current;
    }
    this.lowNeighbor = new int[points];
    this.highNeighbor = new int[points];
    for (int i = 2; i < points; i++) {
      int low = 0;
      int high = 1;
      int lowX = -1;
      int highX = Integer.MAX_VALUE;
      for (int j = 0; j < i; j++) {
        int x = xList[j];
        if (x > lowX && x < xList[i]) {
          low = j;
          lowX = x;
        }
        if (x < highX && x > xList[i]) {
          high = j;
          highX = x;
        }
      }
      lowNeighbor[i] = low;
      highNeighbor[i] = high;
    }
  }

  /** Reads a floor 1 configuration from the setup header. */
  static Floor1 read(BitReader in, int bookCount) throws DecoderException {
    int partitions = in.readBits(5);
    int[] partitionClass = new int[Math.max(partitions, 0)];
    int maxClass = -1;
    for (int i = 0; i < partitions; i++) {
      partitionClass[i] = in.readBits(4);
      maxClass = Math.max(maxClass, partitionClass[i]);
    }
    int classes = maxClass + 1;
    int[] classDimensions = new int[classes];
    int[] classSubclassBits = new int[classes];
    int[] classMasterBook = new int[classes];
    int[][] subclassBooks = new int[classes][];
    for (int c = 0; c < classes; c++) {
      classDimensions[c] = in.readBits(3) + 1;
      classSubclassBits[c] = in.readBits(2);
      if (classSubclassBits[c] > 0) {
        classMasterBook[c] = in.readBits(8);
        if (classMasterBook[c] < 0 || classMasterBook[c] >= bookCount) {
          throw badFloor("class master codebook " + classMasterBook[c] + " does not exist");
        }
      }
      int subclasses = 1 << Math.max(classSubclassBits[c], 0);
      subclassBooks[c] = new int[subclasses];
      for (int s = 0; s < subclasses; s++) {
        int book = in.readBits(8) - 1;
        if (book < -1 || book >= bookCount) {
          throw badFloor("subclass codebook " + book + " does not exist");
        }
        subclassBooks[c][s] = book;
      }
    }
    int multiplier = in.readBits(2) + 1;
    int rangeBits = in.readBits(4);
    if (in.isEndOfPacket() || multiplier < 1 || rangeBits < 0) {
      throw badFloor("the floor 1 configuration ends past the packet end");
    }
    int[] xList = new int[MAX_POINTS];
    xList[0] = 0;
    xList[1] = 1 << rangeBits;
    int points = 2;
    for (int p = 0; p < partitions; p++) {
      int dimensions = classDimensions[partitionClass[p]];
      if (points + dimensions > MAX_POINTS) {
        throw badFloor("the X list has more than " + MAX_POINTS + " points");
      }
      for (int d = 0; d < dimensions; d++) {
        int x = in.readBits(rangeBits);
        if (x < 0) {
          throw badFloor("the floor 1 configuration ends past the packet end");
        }
        xList[points++] = x;
      }
    }
    for (int i = 0; i < points; i++) {
      for (int j = i + 1; j < points; j++) {
        if (xList[i] == xList[j]) {
          throw badFloor("the X list repeats the value " + xList[i]);
        }
      }
    }
    return new Floor1(
        partitionClass,
        classDimensions,
        classSubclassBits,
        classMasterBook,
        subclassBooks,
        multiplier,
        xList,
        points);
  }

  @Override
  int intScratchLength() {
    return points;
  }

  @Override
  int floatScratchLength() {
    return 0;
  }

  @Override
  boolean decode(
      BitReader in, Codebook[] books, int blockFlag, int[] y, float[] unusedFloatScratch) {
    if (!in.readFlag()) {
      return false;
    }
    y[0] = in.readBits(yBits);
    y[1] = in.readBits(yBits);
    if (y[1] < 0) {
      return false;
    }
    int offset = 2;
    for (int p = 0; p < partitionClass.length; p++) {
      int cls = partitionClass[p];
      int dimensions = classDimensions[cls];
      int subclassBits = classSubclassBits[cls];
      int subclassMask = (1 << subclassBits) - 1;
      int classValue = 0;
      if (subclassBits > 0) {
        classValue = books[classMasterBook[cls]].decode(in);
        if (classValue < 0) {
          return false;
        }
      }
      int[] subBooks = subclassBooks[cls];
      for (int d = 0; d < dimensions; d++) {
        int book = subBooks[classValue & subclassMask];
        classValue >>>= subclassBits;
        if (book >= 0) {
          int value = books[book].decode(in);
          if (value < 0) {
            return false;
          }
          y[offset + d] = value;
        } else {
          y[offset + d] = 0;
        }
      }
      offset += dimensions;
    }
    // Amplitude value synthesis (specification, 7.2.4, step 1).
    for (int i = 2; i < points; i++) {
      int low = lowNeighbor[i];
      int high = highNeighbor[i];
      int predicted = renderPoint(xList[low], xList[high], y[low], y[high], xList[i]);
      int highRoom = range - predicted;
      int lowRoom = predicted;
      int room = (highRoom < lowRoom ? highRoom : lowRoom) << 1;
      int value = y[i];
      if (value != 0) {
        if (value >= room) {
          value = highRoom > lowRoom ? value - lowRoom : -1 - (value - highRoom);
        } else {
          value = (value & 1) != 0 ? -((value + 1) >> 1) : value >> 1;
        }
        y[i] = (value + predicted) & 0x7FFF;
        y[low] &= 0x7FFF;
        y[high] &= 0x7FFF;
      } else {
        y[i] = predicted | UNUSED;
      }
    }
    return true;
  }

  @Override
  void apply(float[] spectrum, int n, int blockFlag, int[] y, float[] unusedFloatScratch) {
    int lowX = 0;
    int highX = 0;
    int lowY = clampY(y[0] * multiplier);
    for (int j = 1; j < points; j++) {
      int index = sortedOrder[j];
      int value = y[index];
      if ((value & UNUSED) == 0) {
        highX = xList[index];
        int highY = clampY(value * multiplier);
        renderLine(lowX, highX, lowY, highY, spectrum, n);
        lowX = highX;
        lowY = highY;
      }
    }
    float last = INVERSE_DB[lowY];
    for (int x = highX; x < n; x++) {
      spectrum[x] *= last;
    }
  }

  private static int clampY(int value) {
    return value < 0 ? 0 : Math.min(value, 255);
  }

  private static int renderPoint(int x0, int x1, int y0, int y1, int x) {
    y0 &= 0x7FFF;
    y1 &= 0x7FFF;
    int dy = y1 - y0;
    int adx = x1 - x0;
    int offset = Math.abs(dy) * (x - x0) / adx;
    return dy < 0 ? y0 - offset : y0 + offset;
  }

  /** Multiplies {@code v[x0..min(x1, n))} by the line from (x0, y0) to (x1, y1) (section 9.2.7). */
  private static void renderLine(int x0, int x1, int y0, int y1, float[] v, int n) {
    int dy = y1 - y0;
    int adx = x1 - x0;
    int base = dy / adx;
    int step = dy < 0 ? base - 1 : base + 1;
    int ady = Math.abs(dy) - Math.abs(base * adx);
    int end = Math.min(n, x1);
    int x = x0;
    int yv = y0;
    int error = 0;
    if (x < end) {
      v[x] *= INVERSE_DB[yv];
    }
    while (++x < end) {
      error += ady;
      if (error >= adx) {
        error -= adx;
        yv += step;
      } else {
        yv += base;
      }
      v[x] *= INVERSE_DB[yv];
    }
  }

  private static DecoderException badFloor(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis floor 1 configuration: "
        + message);
  }
}
