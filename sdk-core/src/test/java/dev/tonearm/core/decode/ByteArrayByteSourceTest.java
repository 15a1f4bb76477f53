package dev.tonearm.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteArrayByteSourceTest {
  private static final byte[] TEXT = "0123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  void read_wholeArray_thenEnd() throws IOException {
    ByteArrayByteSource source = new ByteArrayByteSource(TEXT);
    byte[] buffer = new byte[4];

    assertThat(source.read(buffer, 0, 4)).isEqualTo(4);
    assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo("0123");
    assertThat(source.position()).isEqualTo(4);
    assertThat(source.read(new byte[100], 0, 100)).isEqualTo(6);
    assertThat(source.read(buffer, 0, 4)).isEqualTo(-1);
    assertThat(source.length()).isEqualTo(10);
  }

  @Test
  void read_range_positionsFromOffset() throws IOException {
    ByteArrayByteSource source = new ByteArrayByteSource(TEXT, 3, 4);
    byte[] buffer = new byte[8];

    assertThat(source.length()).isEqualTo(4);
    assertThat(source.read(buffer, 2, 8 - 2)).isEqualTo(4);
    assertThat(new String(buffer, 2, 4, StandardCharsets.US_ASCII)).isEqualTo("3456");
    assertThat(source.read(buffer, 0, 1)).isEqualTo(-1);
    source.seek(1);
    assertThat(source.read(buffer, 0, 1)).isEqualTo(1);
    assertThat((char) buffer[0]).isEqualTo('4');
    assertThat(source.position()).isEqualTo(2);
  }

  @Test
  void seek_pastEnd_throws() throws IOException {
    ByteArrayByteSource source = new ByteArrayByteSource(TEXT, 2, 5);

    source.seek(5);
    assertThat(source.read(new byte[1], 0, 1)).isEqualTo(-1);
    assertThatThrownBy(() -> source.seek(6)).isInstanceOf(IOException.class).hasMessageContaining("6");
    assertThatThrownBy(() -> source.seek(-1)).isInstanceOf(IOException.class);
  }

  @Test
  void constructor_rangeOutsideArray_throws() {
    assertThatThrownBy(() -> new ByteArrayByteSource(TEXT, 8, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new ByteArrayByteSource(TEXT, -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void read_bufferRangeInvalid_throws() {
    ByteArrayByteSource source = new ByteArrayByteSource(TEXT);

    assertThatThrownBy(() -> source.read(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void read_afterClose_throws() {
    ByteArrayByteSource source = new ByteArrayByteSource(TEXT);
    source.close();

    assertThatThrownBy(() -> source.read(new byte[1], 0, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed source");
  }
}
