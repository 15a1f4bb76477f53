package dev.tonearm.core.player;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import java.io.IOException;

/**
 * Creates the decoder for a rendition's codec. The player calls it on its playback thread when a
 * track starts or when the prefetched next track has its first seconds loaded.
 *
 * <p>The SDK's implementation maps {@code "vorbis"} to the Vorbis decoder and {@code "flac"} to
 * the FLAC decoder, each reading {@code source}. A factory may wrap the decoder, for example with
 * gapless trimming, as long as the wrapper still reads only from {@code source}.
 */
public interface DecoderFactory {
  /**
   * Returns a decoder for {@code codec} that reads {@code source}. Closing the decoder closes the
   * source.
   *
   * @param codec the rendition's codec, such as {@code "vorbis"} or {@code "flac"}
   * @throws IOException a {@code DecoderException} with {@code UNSUPPORTED_FORMAT} for an unknown
   *     codec, or any failure to start decoding
   */
  Decoder open(String codec, ByteSource source) throws IOException;
}
