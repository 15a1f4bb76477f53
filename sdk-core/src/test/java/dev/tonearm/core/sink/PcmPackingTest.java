package dev.tonearm.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.sink.PcmPacking.Layout;
import org.junit.jupiter.api.Test;

class PcmPackingTest {
  private static byte[] pack(int[] samples, int bits, Layout layout) {
    byte[] out = new byte[samples.length * PcmPacking.containerBytes(bits)];
    int written = PcmPacking.pack(samples, 0, samples.length, bits, layout, out, 0);
    assertThat(written).isEqualTo(out.length);
    return out;
  }

  @Test
  void pack_twelveBit_rightOrLeftJustified() {
    int[] samples = {1, -1};

    assertThat(pack(samples, 12, Layout.SIGNED_RIGHT_JUSTIFIED))
        .containsExactly(0x01, 0x00, 0xFF, 0xFF);
    assertThat(pack(samples, 12, Layout.SIGNED_LEFT_JUSTIFIED))
        .containsExactly(0x10, 0x00, 0xF0, 0xFF);
  }

  @Test
  void pack_eightBit_waveIsUnsigned() {
    int[] samples = {-128, 0, 127};

    assertThat(pack(samples, 8, Layout.WAVE)).containsExactly(0x00, 0x80, 0xFF);
    assertThat(pack(samples, 8, Layout.SIGNED_RIGHT_JUSTIFIED)).containsExactly(0x80, 0x00, 0x7F);
  }

  @Test
  void pack_twentyAndThirtyTwoBit_littleEndian() {
    assertThat(pack(new int[] {0x7FFFF}, 20, Layout.SIGNED_LEFT_JUSTIFIED))
        .containsExactly(0xF0, 0xFF, 0x7F);
    assertThat(pack(new int[] {0x12345678}, 32, Layout.WAVE))
        .containsExactly(0x78, 0x56, 0x34, 0x12);
  }

  @Test
  void pack_offsets_readAndWriteFromThere() {
    byte[] out = new byte[5];
    PcmPacking.pack(new int[] {9, 0x0102, 0x0304}, 1, 2, 16, Layout.WAVE, out, 1);

    assertThat(out).containsExactly(0x00, 0x02, 0x01, 0x04, 0x03);
  }

  @Test
  void pack_invalidBits_throws() {
    assertThatThrownBy(() -> PcmPacking.pack(new int[1], 0, 1, 33, Layout.WAVE, new byte[8], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("33");
  }
}
