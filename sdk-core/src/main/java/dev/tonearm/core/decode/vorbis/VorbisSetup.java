package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.ogg.OggPacket;

/**
 * The Vorbis setup header (Vorbis I specification, section 4.2.4): codebooks, floors, residues,
 * mappings and modes. Every index is checked against its table at parse time, so audio decoding
 * never follows a dangling reference. Not thread-safe (residues keep decode scratch); one per
 * decoder.
 */
final class VorbisSetup {
  final Codebook[] codebooks;
  final Floor[] floors;
  final Residue[] residues;
  final Mapping[] mappings;
  final boolean[] modeBlockFlag;
  final int[] modeMapping;
  final int modeBits;
  private final int[] blockSizes;

  private VorbisSetup(Codebook[] codebooks, Floor[] floors, Residue[] residues,
      Mapping[] mappings, boolean[] modeBlockFlag, int[] modeMapping, int[] blockSizes) {
    this.codebooks = codebooks;
    this.floors = floors;
    this.residues = residues;
    this.mappings = mappings;
    this.modeBlockFlag = modeBlockFlag;
    this.modeMapping = modeMapping;
    this.modeBits = Codebook.ilog(modeBlockFlag.length - 1);
    this.blockSizes = blockSizes;
  }

  /**
   * Reads the packet type bit and mode number of an audio packet from {@code in}.
   *
   * @return the mode, or -1 when the packet is not an audio packet or names an undefined mode
   */
  int readMode(BitReader in) {
    if (in.readBits(1) != 0) {
      return -1;
    }
    int mode = in.readBits(modeBits);
    return mode < 0 || mode >= modeMapping.length ? -1 : mode;
  }

  /**
   * Returns the block size of audio packet {@code packet}, or 0 when it is not a decodable audio
   * packet. Uses {@code scratch} to read.
   */
  int blockSizeOf(OggPacket packet, BitReader scratch) {
    scratch.reset(packet.data(), 0, packet.length());
    int mode = readMode(scratch);
    return mode < 0 ? 0 : blockSizes[modeBlockFlag[mode] ? 1 : 0];
  }

  static VorbisSetup parse(OggPacket packet, IdentificationHeader id) throws DecoderException {
    if (!IdentificationHeader.hasSignature(packet, 5)) {
      throw new DecoderException(Reason.BAD_HEADER,
          "the third Vorbis header packet is not a setup header");
    }
    BitReader in = new BitReader();
    in.reset(packet.data(), 7, packet.length() - 7);
    SetupBudget budget = new SetupBudget();

    Codebook[] codebooks = new Codebook[in.readBits(8) + 1];
    for (int i = 0; i < codebooks.length; i++) {
      codebooks[i] = Codebook.read(in, budget);
    }

    int timeCount = in.readBits(6) + 1;
    for (int i = 0; i < timeCount; i++) {
      int type = in.readBits(16);
      if (type != 0) {
        throw bad("time domain transform type must be 0: " + type);
      }
    }

    Floor[] floors = new Floor[in.readBits(6) + 1];
    int[] blockSizes = {id.blockSize0, id.blockSize1};
    for (int i = 0; i < floors.length; i++) {
      int type = in.readBits(16);
      if (type == 0) {
        floors[i] = Floor0.read(in, codebooks, blockSizes);
      } else if (type == 1) {
        floors[i] = Floor1.read(in, codebooks.length);
      } else {
        throw bad("floor type must be 0 or 1: " + type);
      }
    }

    Residue[] residues = new Residue[in.readBits(6) + 1];
    for (int i = 0; i < residues.length; i++) {
      int type = in.readBits(16);
      if (type < 0 || type > 2) {
        throw bad("residue type must be 0, 1 or 2: " + type);
      }
      residues[i] = Residue.read(in, type, codebooks, budget);
    }

    Mapping[] mappings = new Mapping[in.readBits(6) + 1];
    for (int i = 0; i < mappings.length; i++) {
      int type = in.readBits(16);
      if (type != 0) {
        throw bad("mapping type must be 0: " + type);
      }
      mappings[i] = Mapping.read(in, id.channels, floors.length, residues.length);
    }

    int modeCount = in.readBits(6) + 1;
    boolean[] blockFlags = new boolean[modeCount];
    int[] modeMappings = new int[modeCount];
    for (int i = 0; i < modeCount; i++) {
      blockFlags[i] = in.readFlag();
      int windowType = in.readBits(16);
      int transformType = in.readBits(16);
      int mapping = in.readBits(8);
      if (windowType != 0 || transformType != 0) {
        throw bad("mode " + i + " window and transform types must be 0: " + windowType + ", "
            + transformType);
      }
      if (mapping < 0 || mapping >= mappings.length) {
        throw bad("mode " + i + " names mapping " + mapping + " of " + mappings.length);
      }
      modeMappings[i] = mapping;
    }
    if (!in.readFlag() || in.isEndOfPacket()) {
      throw bad("the framing bit is missing");
    }
    return new VorbisSetup(codebooks, floors, residues, mappings, blockFlags, modeMappings,
        blockSizes);
  }

  private static DecoderException bad(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis setup header: " + message);
  }
}
