package dev.tonearm.drm;

import dev.tonearm.core.decode.ByteArrayByteSource;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.flac.FlacDecoder;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import dev.tonearm.core.player.DecoderFactory;
import java.io.IOException;
import java.util.Arrays;

/** The SDK's real decoders as a {@link DecoderFactory}, and whole-stream decodes for references. */
final class RealDecoders implements DecoderFactory {
  @Override
  public Decoder open(String codec, ByteSource source) throws IOException {
    if (codec.equals("vorbis")) {
      return new VorbisDecoder(source);
    }
    if (codec.equals("flac")) {
      return FlacDecoder.open(source);
    }
    throw new DecoderException(
        DecoderException.Reason.UNSUPPORTED_FORMAT, "no decoder for codec " + codec);
  }

  /** Decodes all of {@code bytes} and returns the interleaved samples. */
  static int[] decodeAll(String codec, byte[] bytes) throws IOException {
    try (Decoder decoder = new RealDecoders().open(codec, new ByteArrayByteSource(bytes))) {
      PcmBuffer buffer = new PcmBuffer();
      int[] samples = new int[1 << 20];
      int count = 0;
      while (decoder.read(buffer) >= 0) {
        int n = buffer.frames * buffer.format.channels();
        if (count + n > samples.length) {
          samples = Arrays.copyOf(samples, Math.max(samples.length * 2, count + n));
        }
        System.arraycopy(buffer.samples, 0, samples, count, n);
        count += n;
      }
      return Arrays.copyOf(samples, count);
    }
  }
}
