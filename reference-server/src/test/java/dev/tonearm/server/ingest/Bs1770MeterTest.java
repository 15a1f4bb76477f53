package dev.tonearm.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tonearm.server.catalog.Loudness;
import org.junit.jupiter.api.Test;

/**
 * Checks the meter against signals with known BS.1770 results. A 1 kHz sine at -23 dBFS in both
 * channels reads -23.0 LUFS, as in EBU Tech 3341 test case 1. At 1 kHz the K-weighting adds about
 * +0.7 dB, which the -0.691 offset of the loudness formula cancels.
 */
class Bs1770MeterTest {
  private static Loudness measure(long rateHz, int channels, double seconds, double amplitude, double frequencyHz) {
    Bs1770Meter meter = new Bs1770Meter(rateHz, channels);
    int frames = (int) (rateHz * seconds);
    double[] block = new double[1024 * channels];
    int done = 0;
    while (done < frames) {
      int count = Math.min(1024, frames - done);
      for (int i = 0; i < count; i++) {
        double value = amplitude * Math.sin(2 * Math.PI * frequencyHz * (done + i) / rateHz);
        for (int c = 0; c < channels; c++) {
          block[i * channels + c] = value;
        }
      }
      meter.accept(block, count);
      done += count;
    }
    return meter.result();
  }

  @Test
  void sine1kAtMinus23Dbfs_stereo48k_readsMinus23Lufs() {
    Loudness loudness = measure(48_000, 2, 20, Math.pow(10, -23 / 20.0), 1000);

    assertThat(loudness.integratedLufs()).isCloseTo(-23.0, within(0.1));
    assertThat(loudness.truePeakDbtp()).isCloseTo(-23.0, within(0.2));
  }

  @Test
  void sine1kAtMinus23Dbfs_stereo44k_readsMinus23Lufs() {
    assertThat(measure(44_100, 2, 20, Math.pow(10, -23 / 20.0), 1000).integratedLufs())
        .isCloseTo(-23.0, within(0.1));
  }

  @Test
  void mono_readsThreeDbBelowSameSignalInStereo() {
    double amplitude = Math.pow(10, -20 / 20.0);

    double mono = measure(48_000, 1, 10, amplitude, 1000).integratedLufs();
    double stereo = measure(48_000, 2, 10, amplitude, 1000).integratedLufs();

    assertThat(stereo - mono).isCloseTo(3.0, within(0.1));
  }

  @Test
  void sineBetweenSamples_truePeakExceedsSamplePeak() {
    // At a quarter of the sample rate with a 45 degree phase, samples miss the crests by 3 dB.
    Bs1770Meter meter = new Bs1770Meter(48_000, 1);
    double[] samples = new double[48_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 0.5 * Math.sin(Math.PI / 2 * i + Math.PI / 4);
    }
    meter.accept(samples, samples.length);

    assertThat(meter.result().truePeakDbtp()).isCloseTo(20 * Math.log10(0.5), within(0.3));
  }

  @Test
  void silence_readsAbsoluteGateAndFloor() {
    Loudness loudness = measure(48_000, 2, 5, 0, 1000);

    assertThat(loudness.integratedLufs()).isEqualTo(-70.0);
    assertThat(loudness.truePeakDbtp()).isEqualTo(-120.0);
  }
}
