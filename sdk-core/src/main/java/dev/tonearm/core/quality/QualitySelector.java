package dev.tonearm.core.quality;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;

/**
 * Chooses the rendition of a track at its start from the user's {@link Quality} and the measured
 * bandwidth. Immutable and thread-safe.
 *
 * <p>Rules. The allowed bitrate is {@code estimateBps * bandwidthFraction}. For a Vorbis setting,
 * the choice is the highest Vorbis rendition at or below both the setting and the allowed bitrate.
 * When even the lowest Vorbis rendition is above that, the lowest one is chosen so that playback
 * can start. For {@link Quality#LOSSLESS} a FLAC rendition is chosen when its bitrate is allowed,
 * and otherwise the highest allowed Vorbis rendition. A rendition without a bitrate is rated at its
 * average: {@code sizeBytes * 8 / durationMs} kbit/s. Renditions of other codecs are ignored, and FLAC
 * is used for a Vorbis setting only when the track has no Vorbis rendition.
 */
public final class QualitySelector {
  /** Share of the measured bandwidth that the chosen bitrate may use: 0.75. */
  public static final double DEFAULT_BANDWIDTH_FRACTION = 0.75;

  private final double bandwidthFraction;

  /** Creates a selector with {@link #DEFAULT_BANDWIDTH_FRACTION}. */
  public QualitySelector() {
    this(DEFAULT_BANDWIDTH_FRACTION);
  }

  /**
   * Creates a selector.
   *
   * @param bandwidthFraction share of the estimate that the bitrate may use, in (0, 1]
   */
  public QualitySelector(double bandwidthFraction) {
    if (!(bandwidthFraction > 0 && bandwidthFraction <= 1)) {
      throw new IllegalArgumentException(
          "bandwidthFraction must be in (0, 1]: " + bandwidthFraction);
    }
    this.bandwidthFraction = bandwidthFraction;
  }

  /**
   * Returns the rendition to stream.
   *
   * @param estimateBps measured throughput in bit/s
   * @throws PlaybackException {@link PlaybackException#ERROR_NO_PLAYABLE_RENDITION} when the
   *     manifest has no Vorbis or FLAC rendition
   */
  public Rendition select(Manifest manifest, Quality quality, long estimateBps)
      throws PlaybackException {
    long allowedKbps = (long) (estimateBps * bandwidthFraction / 1000);
    if (quality == Quality.LOSSLESS) {
      Rendition flac = bestAtOrBelow(manifest, Rendition.CODEC_FLAC, allowedKbps);
      if (flac != null) {
        return flac;
      }
      Rendition vorbis = bestAtOrBelow(manifest, Rendition.CODEC_VORBIS, allowedKbps);
      if (vorbis != null) {
        return vorbis;
      }
    } else {
      long capKbps = Math.min(quality.vorbisBitrateKbps(), allowedKbps);
      Rendition vorbis = bestAtOrBelow(manifest, Rendition.CODEC_VORBIS, capKbps);
      if (vorbis != null) {
        return vorbis;
      }
    }
    Rendition lowest = lowest(manifest, Rendition.CODEC_VORBIS);
    if (lowest == null) {
      lowest = lowest(manifest, Rendition.CODEC_FLAC);
    }
    if (lowest == null) {
      throw new PlaybackException(
          PlaybackException.ERROR_NO_PLAYABLE_RENDITION,
          "track " + manifest.trackId() + " has no vorbis or flac rendition");
    }
    return lowest;
  }

  /**
   * Returns the rendition to step down to from {@code current} when the buffer runs low: the
   * Vorbis rendition with the highest bitrate below {@code current}'s, or null when there is none.
   * FLAC is never a step down, because a lossless rendition is larger than any Vorbis one.
   */
  public Rendition stepDown(Manifest manifest, Rendition current) {
    long currentKbps = effectiveBitrateKbps(manifest, current);
    Rendition best = null;
    long bestKbps = -1;
    for (Rendition rendition : manifest.renditions()) {
      if (!Rendition.CODEC_VORBIS.equals(rendition.codec()) || rendition == current) {
        continue;
      }
      long kbps = effectiveBitrateKbps(manifest, rendition);
      if (kbps < currentKbps && kbps > bestKbps) {
        best = rendition;
        bestKbps = kbps;
      }
    }
    return best;
  }

  /** Returns the bitrate used to rank {@code rendition} in kbit/s. */
  public static long effectiveBitrateKbps(Manifest manifest, Rendition rendition) {
    if (rendition.bitrateKbps() > 0) {
      return rendition.bitrateKbps();
    }
    if (manifest.durationMs() <= 0) {
      return Long.MAX_VALUE;
    }
    return rendition.sizeBytes() * 8 / manifest.durationMs();
  }

  private static Rendition bestAtOrBelow(Manifest manifest, String codec, long capKbps) {
    Rendition best = null;
    long bestKbps = -1;
    for (Rendition rendition : manifest.renditions()) {
      if (!codec.equals(rendition.codec())) {
        continue;
      }
      long kbps = effectiveBitrateKbps(manifest, rendition);
      if (kbps <= capKbps && kbps > bestKbps) {
        best = rendition;
        bestKbps = kbps;
      }
    }
    return best;
  }

  private static Rendition lowest(Manifest manifest, String codec) {
    Rendition lowest = null;
    long lowestKbps = Long.MAX_VALUE;
    for (Rendition rendition : manifest.renditions()) {
      if (!codec.equals(rendition.codec())) {
        continue;
      }
      long kbps = effectiveBitrateKbps(manifest, rendition);
      if (lowest == null || kbps < lowestKbps) {
        lowest = rendition;
        lowestKbps = kbps;
      }
    }
    return lowest;
  }
}
