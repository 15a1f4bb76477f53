package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;

/**
 * Residue types 0, 1 and 2 (Vorbis I specification, section 8): vector-quantised spectral
 * detail, coded in partitions whose classification selects a codebook per cascade stage.
 *
 * <p>Type 0 interleaves each codebook vector across a partition, type 1 writes vectors in order,
 * and type 2 decodes all channels as one interleaved vector with type 1 coding. An end of packet
 * inside residue data stops residue decoding for the block and keeps what was decoded, as the
 * specification requires. Not thread-safe: {@link #decode} uses scratch arrays of this object
 * and of the caller, so each decoder parses its own setup.
 */
final class Residue {
  private final int type;
  private final int begin;
  private final int end;
  private final int partitionSize;
  private final int classifications;
  private final int classbook;
  private final int[] cascade;
  /** Codebook per classification and stage, or -1. */
  private final int[][] books;
  private final int stages;
  /** Classification numbers encoded by each classbook entry, most significant digit first. */
  private final int[][] decodeMap;
  private final int partitionValues;
  /** Per-decoder scratch: entry offsets of one residue 0 partition. */
  private int[] entryScratch = new int[0];
  /** Per-decoder scratch: the vectors that types 0 and 1 decode. */
  private float[][] usedScratch = new float[0][];

  private Residue(int type, int begin, int end, int partitionSize, int classifications,
      int classbook, int[] cascade, int[][] books, Codebook[] codebooks) {
    this.type = type;
    this.begin = begin;
    this.end = end;
    this.partitionSize = partitionSize;
    this.classifications = classifications;
    this.classbook = classbook;
    this.cascade = cascade;
    this.books = books;
    int maxStage = 0;
    for (int c : cascade) {
      maxStage = Math.max(maxStage, Codebook.ilog(c));
    }
    this.stages = maxStage;
    Codebook phrasebook = codebooks[classbook];
    int dimensions = phrasebook.dimensions;
    int values = 1;
    for (int d = 0; d < dimensions; d++) {
      values *= classifications;
    }
    this.partitionValues = values;
    this.decodeMap = new int[values][dimensions];
    for (int entry = 0; entry < values; entry++) {
      int rest = entry;
      for (int d = dimensions - 1; d >= 0; d--) {
        decodeMap[entry][d] = rest % classifications;
        rest /= classifications;
      }
    }
  }

  /** Reads a residue configuration of {@code type} (0, 1 or 2) from the setup header. */
  static Residue read(BitReader in, int type, Codebook[] codebooks, SetupBudget budget)
      throws DecoderException {
    int begin = in.readBits(24);
    int end = in.readBits(24);
    int partitionSize = in.readBits(24) + 1;
    int classifications = in.readBits(6) + 1;
    int classbook = in.readBits(8);
    if (in.isEndOfPacket()) {
      throw badResidue("the configuration ends past the packet end");
    }
    int[] cascade = new int[classifications];
    for (int c = 0; c < classifications; c++) {
      int low = in.readBits(3);
      int high = in.readFlag() ? in.readBits(5) : 0;
      cascade[c] = high << 3 | low;
    }
    int[][] books = new int[classifications][8];
    for (int c = 0; c < classifications; c++) {
      for (int stage = 0; stage < 8; stage++) {
        books[c][stage] = -1;
        if ((cascade[c] & (1 << stage)) != 0) {
          int book = in.readBits(8);
          if (book < 0 || book >= codebooks.length) {
            throw badResidue("codebook " + book + " does not exist");
          }
          if (codebooks[book].values == null) {
            throw badResidue("codebook " + book + " has no value vectors");
          }
          books[c][stage] = book;
        }
      }
    }
    if (in.isEndOfPacket()) {
      throw badResidue("the configuration ends past the packet end");
    }
    if (classbook >= codebooks.length) {
      throw badResidue("classification codebook " + classbook + " does not exist");
    }
    // The classbook must not name more classification combinations than it has entries.
    Codebook phrasebook = codebooks[classbook];
    if (phrasebook.dimensions < 1) {
      throw badResidue("classification codebook " + classbook + " has 0 dimensions");
    }
    long combinations = 1;
    for (int d = 0; d < phrasebook.dimensions; d++) {
      combinations *= classifications;
      if (combinations > phrasebook.entries) {
        throw badResidue("classification codebook " + classbook + " has too few entries");
      }
    }
    budget.addClassificationValues(combinations * phrasebook.dimensions);
    return new Residue(type, begin, end, partitionSize, classifications, classbook, cascade,
        books, codebooks);
  }

  /** Number of partition classification slots that {@link #decode} needs per vector. */
  int classificationScratchLength(int maxBlockHalf, int channels) {
    int length = type == 2 ? maxBlockHalf * channels : maxBlockHalf;
    int words = (length / partitionSize + decodeMap[0].length - 1) / decodeMap[0].length + 1;
    return words * decodeMap[0].length;
  }

  /**
   * Decodes residue into {@code vectors[0..count)}, adding to their contents.
   *
   * @param doNotDecode per vector, whether its floor is unused (the vector stays zero)
   * @param n half the block size
   * @param classes scratch of at least {@link #classificationScratchLength} ints per vector
   */
  void decode(BitReader in, Codebook[] codebooks, float[][] vectors, boolean[] doNotDecode,
      int count, int n, int[][] classes) {
    if (type == 2) {
      decodeType2(in, codebooks, vectors, doNotDecode, count, n, classes[0]);
      return;
    }
    // Types 0 and 1 leave out vectors whose floor is unused, classifications included.
    if (usedScratch.length < count) {
      usedScratch = new float[count][];
    }
    float[][] used = usedScratch;
    int usedCount = 0;
    for (int i = 0; i < count; i++) {
      if (!doNotDecode[i]) {
        used[usedCount++] = vectors[i];
      }
    }
    if (usedCount == 0) {
      return;
    }
    int limit = Math.min(end, n);
    int length = limit - begin;
    if (length <= 0) {
      return;
    }
    Codebook phrasebook = codebooks[classbook];
    int perWord = phrasebook.dimensions;
    int partitions = length / partitionSize;
    for (int stage = 0; stage < stages; stage++) {
      for (int partition = 0; partition < partitions; ) {
        if (stage == 0) {
          for (int v = 0; v < usedCount; v++) {
            int entry = phrasebook.decode(in);
            if (entry < 0 || entry >= partitionValues) {
              return;
            }
            System.arraycopy(decodeMap[entry], 0, classes[v], partition, perWord);
          }
        }
        for (int k = 0; k < perWord && partition < partitions; k++, partition++) {
          for (int v = 0; v < usedCount; v++) {
            int book = books[classes[v][partition]][stage];
            if (book < 0) {
              continue;
            }
            Codebook codebook = codebooks[book];
            if (!codebook.hasUsedEntries()) {
              continue;
            }
            int offset = begin + partition * partitionSize;
            boolean ok = type == 0
                ? decodeInterleaved(in, codebook, used[v], offset)
                : decodeConcatenated(in, codebook, used[v], offset);
            if (!ok) {
              return;
            }
          }
        }
      }
    }
  }

  private void decodeType2(BitReader in, Codebook[] codebooks, float[][] vectors,
      boolean[] doNotDecode, int channels, int n, int[] classes) {
    boolean any = false;
    for (int i = 0; i < channels; i++) {
      any |= !doNotDecode[i];
    }
    if (!any) {
      return;
    }
    int limit = Math.min(end, n * channels);
    int length = limit - begin;
    if (length <= 0) {
      return;
    }
    Codebook phrasebook = codebooks[classbook];
    int perWord = phrasebook.dimensions;
    int partitions = length / partitionSize;
    for (int stage = 0; stage < stages; stage++) {
      for (int partition = 0; partition < partitions; ) {
        if (stage == 0) {
          int entry = phrasebook.decode(in);
          if (entry < 0 || entry >= partitionValues) {
            return;
          }
          System.arraycopy(decodeMap[entry], 0, classes, partition, perWord);
        }
        for (int k = 0; k < perWord && partition < partitions; k++, partition++) {
          int book = books[classes[partition]][stage];
          if (book < 0) {
            continue;
          }
          Codebook codebook = codebooks[book];
          if (!codebook.hasUsedEntries()) {
            continue;
          }
          int offset = begin + partition * partitionSize;
          if (!decodeInterleavedChannels(in, codebook, vectors, channels, offset)) {
            return;
          }
        }
      }
    }
  }

  /** Residue 0 partition: vector element {@code d} of entry {@code j} goes to {@code j + d*step}. */
  private boolean decodeInterleaved(BitReader in, Codebook book, float[] v, int offset) {
    int dimensions = book.dimensions;
    int step = partitionSize / dimensions;
    // Only reached for partitions that fit in a block, so step is at most 4096.
    if (entryScratch.length < step) {
      entryScratch = new int[step];
    }
    int[] entries = entryScratch;
    for (int j = 0; j < step; j++) {
      int entry = book.decode(in);
      if (entry < 0) {
        return false;
      }
      entries[j] = entry * dimensions;
    }
    float[] values = book.values;
    for (int d = 0, o = 0; d < dimensions; d++, o += step) {
      for (int j = 0; o + j < partitionSize && j < step; j++) {
        v[offset + o + j] += values[entries[j] + d];
      }
    }
    return true;
  }

  /** Residue 1 partition: vectors in order. */
  private boolean decodeConcatenated(BitReader in, Codebook book, float[] v, int offset) {
    int dimensions = book.dimensions;
    float[] values = book.values;
    for (int i = 0; i < partitionSize; ) {
      int entry = book.decode(in);
      if (entry < 0) {
        return false;
      }
      int base = entry * dimensions;
      for (int d = 0; i < partitionSize && d < dimensions; d++) {
        v[offset + i++] += values[base + d];
      }
    }
    return true;
  }

  /** Residue 2 partition: vectors in order across the channel-interleaved vector. */
  private boolean decodeInterleavedChannels(BitReader in, Codebook book, float[][] vectors,
      int channels, int offset) {
    int dimensions = book.dimensions;
    float[] values = book.values;
    // NOTE: like libvorbis 1.3.7, a partition that does not start on a frame boundary is decoded
    // from channel 0 of its first frame. Encoders align partitions to frames.
    int frame = offset / channels;
    int channel = 0;
    int endFrame = (offset + partitionSize) / channels;
    while (frame < endFrame) {
      int entry = book.decode(in);
      if (entry < 0) {
        return false;
      }
      int base = entry * dimensions;
      for (int d = 0; frame < endFrame && d < dimensions; d++) {
        vectors[channel][frame] += values[base + d];
        if (++channel == channels) {
          channel = 0;
          frame++;
        }
      }
    }
    return true;
  }

  private static DecoderException badResidue(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis residue configuration: "
        + message);
  }

  @Override
  public String toString() {
    return "Residue{type=" + type + ", begin=" + begin + ", end=" + end + ", partitionSize="
        + partitionSize + ", classifications=" + classifications + "}";
  }
}
