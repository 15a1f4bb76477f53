package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;

/**
 * Running totals that bound the memory one setup header can make the decoder allocate. The
 * format itself allows codebooks of up to 2^24 entries each, which a few bytes of ordered
 * codeword lengths can declare. The caps sit far above what encoders write: the corpus files and
 * libvorbis 1.3.7 encodes from quality -1 to 10 use at most 13,411 entries and 61,254 lookup
 * values in total. Not thread-safe.
 */
final class SetupBudget {
  /** Maximum codebook entries summed over all codebooks of a setup header. */
  static final long MAX_TOTAL_ENTRIES = 1L << 20;
  /** Maximum lookup vector values (entries times dimensions) summed over all codebooks. */
  static final long MAX_TOTAL_LOOKUP_VALUES = 1L << 20;

  /** Maximum residue classification table values summed over all residues. */
  static final long MAX_TOTAL_CLASSIFICATION_VALUES = 1L << 22;

  private long entries;
  private long lookupValues;
  private long classificationValues;

  void addEntries(long count) throws DecoderException {
    entries += count;
    if (entries > MAX_TOTAL_ENTRIES) {
      throw new DecoderException(
          Reason.LIMIT_EXCEEDED,
          "Vorbis setup header declares more than " + MAX_TOTAL_ENTRIES + " codebook entries");
    }
  }

  void addLookupValues(long count) throws DecoderException {
    lookupValues += count;
    if (lookupValues > MAX_TOTAL_LOOKUP_VALUES) {
      throw new DecoderException(
          Reason.LIMIT_EXCEEDED,
          "Vorbis setup header declares more than "
              + MAX_TOTAL_LOOKUP_VALUES
              + " codebook lookup values");
    }
  }

  void addClassificationValues(long count) throws DecoderException {
    classificationValues += count;
    if (classificationValues > MAX_TOTAL_CLASSIFICATION_VALUES) {
      throw new DecoderException(
          Reason.LIMIT_EXCEEDED,
          "Vorbis setup header declares more than "
              + MAX_TOTAL_CLASSIFICATION_VALUES
              + " residue classification values");
    }
  }
}
