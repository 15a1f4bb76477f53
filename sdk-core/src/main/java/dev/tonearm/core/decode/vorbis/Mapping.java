package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;

/**
 * Mapping type 0 (Vorbis I specification, section 4.2.4.5): channel coupling steps and the floor
 * and residue that each submap uses. Immutable.
 */
final class Mapping {
  final int submaps;
  final int[] couplingMagnitude;
  final int[] couplingAngle;
  /** Submap of each channel. */
  final int[] channelSubmap;
  final int[] submapFloor;
  final int[] submapResidue;

  private Mapping(int submaps, int[] couplingMagnitude, int[] couplingAngle, int[] channelSubmap,
      int[] submapFloor, int[] submapResidue) {
    this.submaps = submaps;
    this.couplingMagnitude = couplingMagnitude;
    this.couplingAngle = couplingAngle;
    this.channelSubmap = channelSubmap;
    this.submapFloor = submapFloor;
    this.submapResidue = submapResidue;
  }

  static Mapping read(BitReader in, int channels, int floors, int residues)
      throws DecoderException {
    int submaps = in.readFlag() ? in.readBits(4) + 1 : 1;
    int steps = in.readFlag() ? in.readBits(8) + 1 : 0;
    int[] magnitude = new int[steps];
    int[] angle = new int[steps];
    int channelBits = Codebook.ilog(channels - 1);
    for (int i = 0; i < steps; i++) {
      magnitude[i] = in.readBits(channelBits);
      angle[i] = in.readBits(channelBits);
      if (magnitude[i] < 0 || angle[i] < 0 || magnitude[i] == angle[i]
          || magnitude[i] >= channels || angle[i] >= channels) {
        throw badMapping("invalid coupling step " + i + ": magnitude channel " + magnitude[i]
            + ", angle channel " + angle[i] + " of " + channels);
      }
    }
    if (in.readBits(2) != 0) {
      throw badMapping("reserved field is not 0");
    }
    int[] channelSubmap = new int[channels];
    if (submaps > 1) {
      for (int c = 0; c < channels; c++) {
        channelSubmap[c] = in.readBits(4);
        if (channelSubmap[c] < 0 || channelSubmap[c] >= submaps) {
          throw badMapping("channel " + c + " names submap " + channelSubmap[c] + " of "
              + submaps);
        }
      }
    }
    int[] submapFloor = new int[submaps];
    int[] submapResidue = new int[submaps];
    for (int s = 0; s < submaps; s++) {
      in.readBits(8); // Unused time configuration.
      submapFloor[s] = in.readBits(8);
      submapResidue[s] = in.readBits(8);
      if (submapFloor[s] < 0 || submapFloor[s] >= floors) {
        throw badMapping("submap " + s + " names floor " + submapFloor[s] + " of " + floors);
      }
      if (submapResidue[s] < 0 || submapResidue[s] >= residues) {
        throw badMapping("submap " + s + " names residue " + submapResidue[s] + " of "
            + residues);
      }
    }
    return new Mapping(submaps, magnitude, angle, channelSubmap, submapFloor, submapResidue);
  }

  private static DecoderException badMapping(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis mapping: " + message);
  }
}
