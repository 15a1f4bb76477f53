package dev.tonearm.core.decode;

import dev.tonearm.core.decode.flac.FlacDecoder;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import java.io.IOException;

/**
 * Opens the right {@link Decoder} for a source by its leading bytes: {@code fLaC} for native FLAC,
 * {@code OggS} for Ogg Vorbis. Thread-safe and stateless.
 */
public final class Decoders {
  /** Bytes read to recognise the container. */
  private static final int MAGIC_BYTES = 4;

  private Decoders() {}

  /**
   * Opens a decoder for {@code source}, which must be positioned at its first byte and be
   * seekable, because the leading bytes are read and then the source is rewound.
   *
   * @throws DecoderException with {@link DecoderException.Reason#UNSUPPORTED_FORMAT} when the
   *     bytes are neither FLAC nor Ogg, or {@link DecoderException.Reason#TRUNCATED} when the
   *     source holds fewer than four bytes
   */
  public static Decoder open(ByteSource source) throws IOException {
    long start = source.position();
    byte[] magic = new byte[MAGIC_BYTES];
    int filled = 0;
    while (filled < MAGIC_BYTES) {
      int read = source.read(magic, filled, MAGIC_BYTES - filled);
      if (read < 0) {
        break;
      }
      filled += read;
    }
    if (filled < MAGIC_BYTES) {
      throw new DecoderException(
          DecoderException.Reason.TRUNCATED,
          "source too short to identify: " + filled + " bytes, expected at least " + MAGIC_BYTES);
    }
    source.seek(start);
    return open(codecOf(magic), source);
  }

  /**
   * Opens a decoder for a known codec name, {@code "flac"} or {@code "vorbis"}, as the catalog's
   * manifests name them.
   */
  public static Decoder open(String codec, ByteSource source) throws IOException {
    switch (codec) {
      case "flac":
        return FlacDecoder.open(source);
      case "vorbis":
        return new VorbisDecoder(source);
      default:
        throw new DecoderException(
            DecoderException.Reason.UNSUPPORTED_FORMAT,
            "unsupported codec: " + codec + " (expected flac or vorbis)");
    }
  }

  private static String codecOf(byte[] magic) throws DecoderException {
    if (magic[0] == 'f' && magic[1] == 'L' && magic[2] == 'a' && magic[3] == 'C') {
      return "flac";
    }
    if (magic[0] == 'O' && magic[1] == 'g' && magic[2] == 'g' && magic[3] == 'S') {
      return "vorbis";
    }
    throw new DecoderException(
        DecoderException.Reason.UNSUPPORTED_FORMAT,
        String.format(
            "not a FLAC or Ogg stream: leading bytes %02x %02x %02x %02x",
            magic[0], magic[1], magic[2], magic[3]));
  }
}
