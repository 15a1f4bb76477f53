package dev.tonearm.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class InputStreamByteSourceTest {
  @Test
  void read_countsPositionAndEndsWithMinusOne() throws Exception {
    byte[] bytes = {1, 2, 3, 4, 5};
    try (InputStreamByteSource source =
        new InputStreamByteSource(new ByteArrayInputStream(bytes))) {
      byte[] out = new byte[8];

      assertThat(source.read(out, 0, 3)).isEqualTo(3);
      assertThat(source.position()).isEqualTo(3);
      assertThat(source.read(out, 3, 5)).isEqualTo(2);
      assertThat(source.position()).isEqualTo(5);
      assertThat(source.read(out, 0, 8)).isEqualTo(-1);
      assertThat(source.length()).isEqualTo(-1);
      assertThat(source.isSeekable()).isFalse();
    }
  }

  @Test
  void seek_throws() throws Exception {
    try (InputStreamByteSource source =
        new InputStreamByteSource(new ByteArrayInputStream(new byte[10]))) {
      assertThatThrownBy(() -> source.seek(0)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void close_closesStream() throws Exception {
    boolean[] closed = {false};
    InputStream stream =
        new ByteArrayInputStream(new byte[1]) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };

    new InputStreamByteSource(stream).close();

    assertThat(closed[0]).isTrue();
  }
}
