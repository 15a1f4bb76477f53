package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.ogg.OggPacket;

/**
 * The Vorbis identification header (Vorbis I specification, section 4.2.2). Immutable.
 *
 * <p>The sample rate is an unsigned 32-bit field, so it is kept as a {@code long}: rates of 2^31
 * Hz and above are valid in the format (and appear in test streams), though no audio hardware
 * plays them.
 */
final class IdentificationHeader {
  final int channels;
  final long sampleRateHz;
  final int bitrateMaximum;
  final int bitrateNominal;
  final int bitrateMinimum;
  final int blockSize0;
  final int blockSize1;

  private IdentificationHeader(int channels, long sampleRateHz, int bitrateMaximum,
      int bitrateNominal, int bitrateMinimum, int blockSize0, int blockSize1) {
    this.channels = channels;
    this.sampleRateHz = sampleRateHz;
    this.bitrateMaximum = bitrateMaximum;
    this.bitrateNominal = bitrateNominal;
    this.bitrateMinimum = bitrateMinimum;
    this.blockSize0 = blockSize0;
    this.blockSize1 = blockSize1;
  }

  /** Whether {@code packet} starts with the identification header's type byte and signature. */
  static boolean isIdentificationPacket(OggPacket packet) {
    return hasSignature(packet, 1);
  }

  static boolean hasSignature(OggPacket packet, int type) {
    byte[] d = packet.data();
    return packet.length() >= 7 && d[0] == type && d[1] == 'v' && d[2] == 'o' && d[3] == 'r'
        && d[4] == 'b' && d[5] == 'i' && d[6] == 's';
  }

  static IdentificationHeader parse(OggPacket packet) throws DecoderException {
    if (!isIdentificationPacket(packet)) {
      throw new DecoderException(Reason.UNSUPPORTED_FORMAT,
          "the first packet is not a Vorbis identification header");
    }
    BitReader in = new BitReader();
    in.reset(packet.data(), 7, packet.length() - 7);
    long version = in.readUnsigned32();
    int channels = in.readBits(8);
    long rate = in.readUnsigned32();
    long maximum = in.readUnsigned32();
    long nominal = in.readUnsigned32();
    long minimum = in.readUnsigned32();
    int exponent0 = in.readBits(4);
    int exponent1 = in.readBits(4);
    boolean framing = in.readFlag();
    if (in.isEndOfPacket()) {
      throw new DecoderException(Reason.BAD_HEADER,
          "the Vorbis identification header is " + packet.length() + " bytes; 30 expected");
    }
    if (version != 0) {
      throw new DecoderException(Reason.UNSUPPORTED_FEATURE,
          "Vorbis version must be 0: " + version);
    }
    if (channels < 1) {
      throw new DecoderException(Reason.BAD_HEADER, "Vorbis channel count must be > 0: 0");
    }
    if (channels > PcmFormat.MAX_CHANNELS) {
      throw new DecoderException(Reason.UNSUPPORTED_FEATURE, "Vorbis streams of " + channels
          + " channels are not supported; the maximum is " + PcmFormat.MAX_CHANNELS);
    }
    if (rate < 1) {
      throw new DecoderException(Reason.BAD_HEADER, "Vorbis sample rate must be > 0: 0");
    }
    if (exponent0 < 6 || exponent1 > 13 || exponent0 > exponent1) {
      throw new DecoderException(Reason.BAD_HEADER, "Vorbis block sizes must satisfy"
          + " 64 <= short <= long <= 8192: " + (1 << exponent0) + " and " + (1 << exponent1));
    }
    if (!framing) {
      throw new DecoderException(Reason.BAD_HEADER,
          "the Vorbis identification header's framing bit is not set");
    }
    return new IdentificationHeader(channels, rate, (int) maximum, (int) nominal, (int) minimum,
        1 << exponent0, 1 << exponent1);
  }
}
