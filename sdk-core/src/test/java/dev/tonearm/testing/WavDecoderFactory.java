package dev.tonearm.testing;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.player.DecoderFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link DecoderFactory} for player tests: decodes every rendition as WAV with {@link
 * WavTestDecoder}, whatever its codec field contains, because the test origin serves WAV bytes under
 * contract-shaped manifests. Logs {@code "open decoder-N"} for the N-th decoder, counting from 1.
 */
public final class WavDecoderFactory implements DecoderFactory {
  private final EventLog log;
  private final List<WavTestDecoder> decoders = new ArrayList<>();

  public WavDecoderFactory(EventLog log) {
    this.log = log;
  }

  @Override
  public synchronized Decoder open(String codec, ByteSource source) {
    int number = decoders.size() + 1;
    WavTestDecoder decoder = new WavTestDecoder("decoder-" + number, source, log);
    decoders.add(decoder);
    log.add("open decoder-" + number);
    return decoder;
  }

  /** Decoders created so far, in creation order. */
  public synchronized List<WavTestDecoder> decoders() {
    return new ArrayList<>(decoders);
  }
}
