package dev.tonearm.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BandwidthMeterTest {
  @Test
  void noSamples_returnsInitialEstimate() {
    assertThat(new BandwidthMeter().estimateBps())
        .isEqualTo(BandwidthMeter.DEFAULT_INITIAL_ESTIMATE_BPS);
  }

  @Test
  void firstSample_replacesInitialEstimate() {
    BandwidthMeter meter = new BandwidthMeter();
    meter.addSample(100_000, 1_000); // 800 kbit/s
    assertThat(meter.estimateBps()).isEqualTo(800_000);
    assertThat(meter.sampleCount()).isEqualTo(1);
  }

  @Test
  void laterSamples_areWeightedAverage() {
    BandwidthMeter meter = new BandwidthMeter(1_000_000, 0.25, 1);
    meter.addSample(100_000, 1_000); // 800 kbit/s
    meter.addSample(200_000, 1_000); // 1600 kbit/s
    assertThat(meter.estimateBps()).isEqualTo(Math.round(0.25 * 1_600_000 + 0.75 * 800_000));
  }

  @Test
  void throughputDrop_pullsEstimateDownGradually() {
    BandwidthMeter meter = new BandwidthMeter();
    meter.addSample(1_000_000, 1_000); // 8 Mbit/s
    long before = meter.estimateBps();
    meter.addSample(100_000, 10_000); // 80 kbit/s
    assertThat(meter.estimateBps()).isLessThan(before).isGreaterThan(80_000);
  }

  @Test
  void smallTransfer_ignored() {
    BandwidthMeter meter = new BandwidthMeter();
    meter.addSample(BandwidthMeter.DEFAULT_MIN_SAMPLE_BYTES - 1, 1);
    assertThat(meter.sampleCount()).isZero();
    assertThat(meter.estimateBps()).isEqualTo(BandwidthMeter.DEFAULT_INITIAL_ESTIMATE_BPS);
  }

  @Test
  void zeroElapsed_countsAsOneMillisecond() {
    BandwidthMeter meter = new BandwidthMeter();
    meter.addSample(65_536, 0);
    assertThat(meter.estimateBps()).isEqualTo(65_536L * 8000);
  }

  @Test
  void reset_returnsToInitialEstimate() {
    BandwidthMeter meter = new BandwidthMeter();
    meter.addSample(100_000, 1_000);
    meter.reset();
    assertThat(meter.sampleCount()).isZero();
    assertThat(meter.estimateBps()).isEqualTo(BandwidthMeter.DEFAULT_INITIAL_ESTIMATE_BPS);
  }

  @Test
  void invalidArguments_rejected() {
    assertThatThrownBy(() -> new BandwidthMeter(0, 0.3, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BandwidthMeter(1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BandwidthMeter().addSample(-1, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
