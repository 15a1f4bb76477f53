package dev.tonearm.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QualitySelectorTest {
  private static final Manifest FULL_LADDER =
      manifest(
          rendition("vorbis-24", "vorbis", 24),
          rendition("vorbis-96", "vorbis", 96),
          rendition("vorbis-160", "vorbis", 160),
          rendition("vorbis-320", "vorbis", 320),
          rendition("flac", "flac", 900));

  private final QualitySelector selector = new QualitySelector();

  @ParameterizedTest(name = "{0} at {1} bit/s -> {2}")
  @CsvSource({
    // Ample bandwidth: the setting decides.
    "LOW, 100000000, vorbis-24",
    "NORMAL, 100000000, vorbis-96",
    "HIGH, 100000000, vorbis-160",
    "VERY_HIGH, 100000000, vorbis-320",
    "LOSSLESS, 100000000, flac",
    // 0.75 * 300 kbit/s = 225 kbit/s allowed.
    "VERY_HIGH, 300000, vorbis-160",
    "LOSSLESS, 300000, vorbis-160",
    "NORMAL, 300000, vorbis-96",
    // 0.75 * 1200 kbit/s = 900 kbit/s: exactly the FLAC bitrate.
    "LOSSLESS, 1200000, flac",
    "LOSSLESS, 1199000, vorbis-320",
    // 0.75 * 128 kbit/s = 96 kbit/s: the boundary is inclusive.
    "HIGH, 128000, vorbis-96",
    // Below every rendition: the lowest one so that playback can start.
    "VERY_HIGH, 10000, vorbis-24",
    "LOSSLESS, 10000, vorbis-24"
  })
  void select_settingCappedByBandwidth(Quality quality, long estimateBps, String expectedId)
      throws Exception {
    assertThat(selector.select(FULL_LADDER, quality, estimateBps).id()).isEqualTo(expectedId);
  }

  @Test
  void select_missingRung_takesNextLower() throws Exception {
    Manifest gappy = manifest(rendition("vorbis-24", "vorbis", 24), rendition("v-320", "vorbis", 320));
    assertThat(selector.select(gappy, Quality.HIGH, 100_000_000).id()).isEqualTo("vorbis-24");
  }

  @Test
  void select_flacOnly_usedForVorbisSetting() throws Exception {
    Manifest flacOnly = manifest(rendition("flac", "flac", 900));
    assertThat(selector.select(flacOnly, Quality.LOW, 100_000_000).id()).isEqualTo("flac");
  }

  @Test
  void select_unknownCodecsOnly_failsWithReason() {
    Manifest opus = manifest(rendition("opus-96", "opus", 96));
    assertThatThrownBy(() -> selector.select(opus, Quality.NORMAL, 100_000_000))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NO_PLAYABLE_RENDITION));
  }

  @Test
  void select_missingBitrate_ratedBySizeAndDuration() throws Exception {
    // 1,250,000 bytes over 10 s = 1000 kbit/s; allowed 0.75 * 1200 = 900 kbit/s.
    Manifest unrated =
        manifest(10_000, rendition("vorbis-96", "vorbis", 96), sized("flac", "flac", 1_250_000));
    assertThat(selector.select(unrated, Quality.LOSSLESS, 1_200_000).id()).isEqualTo("vorbis-96");
    assertThat(selector.select(unrated, Quality.LOSSLESS, 1_400_000).id()).isEqualTo("flac");
  }

  @Test
  void constructor_fractionOutOfRange_rejected() {
    assertThatThrownBy(() -> new QualitySelector(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QualitySelector(1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void qualityLadder_matchesSettings() {
    assertThat(Quality.LOW.vorbisBitrateKbps()).isEqualTo(24);
    assertThat(Quality.NORMAL.vorbisBitrateKbps()).isEqualTo(96);
    assertThat(Quality.HIGH.vorbisBitrateKbps()).isEqualTo(160);
    assertThat(Quality.VERY_HIGH.vorbisBitrateKbps()).isEqualTo(320);
  }

  static Rendition rendition(String id, String codec, int kbps) {
    return new Rendition(
        id, codec, kbps, "ogg", 48000, 2, 0, 1000L, 1024, Collections.emptyList(), null,
        "/objects/t/" + id, Collections.emptyList());
  }

  static Rendition sized(String id, String codec, long sizeBytes) {
    return new Rendition(
        id, codec, 0, "flac", 48000, 2, 0, sizeBytes, 262144, Collections.emptyList(), null,
        "/objects/t/" + id, Collections.emptyList());
  }

  static Manifest manifest(Rendition... renditions) {
    return manifest(100_000, renditions);
  }

  static Manifest manifest(long durationMs, Rendition... renditions) {
    List<Rendition> list = new ArrayList<>(Arrays.asList(renditions));
    return new Manifest(
        "t-1", "T", "A", "B", "G", durationMs, null,
        Collections.singletonList("http://127.0.0.1:1"), list);
  }
}
