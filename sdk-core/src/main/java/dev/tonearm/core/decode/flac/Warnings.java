package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Problems a decoder recovered from, capped at {@link #MAX_RECORDED} entries so that a badly
 * damaged stream cannot grow the list without bound. Later problems are only counted.
 *
 * <p>Logging: the first problem is logged at warn level, the rest at debug, and reaching the cap
 * once more at warn. Not thread-safe.
 */
final class Warnings {
  static final int MAX_RECORDED = 64;
  private static final Logger log = LoggerFactory.getLogger(FlacDecoder.class);

  private final List<DecoderException> recorded = new ArrayList<>();
  private long dropped;

  void add(Reason reason, String message) {
    add(new DecoderException(reason, message));
  }

  void add(DecoderException warning) {
    if (recorded.size() >= MAX_RECORDED) {
      if (dropped++ == 0) {
        log.warn("FLAC stream has more than {} problems; recording no more", MAX_RECORDED);
      }
      return;
    }
    if (recorded.isEmpty()) {
      log.warn("FLAC stream problem ({}): {}", warning.reason(), warning.getMessage());
    } else {
      log.debug("FLAC stream problem ({}): {}", warning.reason(), warning.getMessage());
    }
    recorded.add(warning);
  }

  /** Problems not recorded because the cap was reached. */
  long dropped() {
    return dropped;
  }

  List<DecoderException> snapshot() {
    return Collections.unmodifiableList(new ArrayList<>(recorded));
  }
}
