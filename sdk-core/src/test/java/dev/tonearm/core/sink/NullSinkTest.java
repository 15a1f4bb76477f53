package dev.tonearm.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.decode.PcmFormat;
import org.junit.jupiter.api.Test;

class NullSinkTest {
  @Test
  void write_countsFramesAcrossOpens() {
    NullSink sink = new NullSink();
    sink.open(new PcmFormat(44_100, 2, 16));
    sink.write(new int[200], 100);
    sink.drain();
    sink.open(new PcmFormat(48_000, 6, 24));
    sink.write(new int[60], 10);

    assertThat(sink.framesWritten()).isEqualTo(110);
    assertThat(sink.openCount()).isEqualTo(2);
    assertThat(sink.format()).isEqualTo(new PcmFormat(48_000, 6, 24));
    assertThat(sink.isRealTime()).isFalse();
  }

  @Test
  void write_invalidUse_throws() {
    NullSink sink = new NullSink();

    assertThatThrownBy(() -> sink.write(new int[2], 1)).isInstanceOf(IllegalStateException.class);
    sink.open(new PcmFormat(44_100, 2, 16));
    assertThatThrownBy(() -> sink.write(new int[2], 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frames");
    sink.close();
    assertThatThrownBy(() -> sink.write(new int[2], 1)).isInstanceOf(IllegalStateException.class);
  }
}
