package dev.tonearm.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileByteSourceTest {
  @TempDir Path tempDir;

  private byte[] content(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  private Path write(byte[] bytes) throws IOException {
    Path file = tempDir.resolve("data.bin");
    Files.write(file, bytes);
    return file;
  }

  @Test
  void mixedReadSizes_read_returnsFileContentInOrder() throws Exception {
    byte[] bytes = content(100_000);
    try (FileByteSource source = new FileByteSource(write(bytes))) {
      byte[] out = new byte[bytes.length];
      int filled = 0;
      int[] sizes = {1, 7, 8192, 3, 20_000, 100, 8191, 65536};
      for (int i = 0; filled < out.length; i++) {
        int count =
            source.read(out, filled, Math.min(sizes[i % sizes.length], out.length - filled));
        assertThat(count).isPositive();
        filled += count;
        assertThat(source.position()).isEqualTo(filled);
      }

      assertThat(out).isEqualTo(bytes);
      assertThat(source.read(new byte[10], 0, 10)).isEqualTo(-1);
      assertThat(source.length()).isEqualTo(bytes.length);
      assertThat(source.isSeekable()).isTrue();
    }
  }

  @Test
  void seekInsideAndOutsideBuffer_read_returnsBytesAtNewPosition() throws Exception {
    byte[] bytes = content(50_000);
    try (FileByteSource source = new FileByteSource(write(bytes))) {
      byte[] out = new byte[16];
      source.read(out, 0, 16);
      for (long target : new long[] {5, 40_000, 39_990, 0, 49_990, 12_345}) {
        source.seek(target);
        assertThat(source.position()).isEqualTo(target);
        int count = source.read(out, 0, 10);

        assertThat(Arrays.copyOf(out, count))
            .isEqualTo(Arrays.copyOfRange(bytes, (int) target, (int) target + count));
      }
    }
  }

  @Test
  void seekToLength_read_returnsEndOfStream() throws Exception {
    byte[] bytes = content(1000);
    try (FileByteSource source = new FileByteSource(write(bytes))) {
      source.seek(1000);

      assertThat(source.read(new byte[4], 0, 4)).isEqualTo(-1);
    }
  }

  @Test
  void seekOutsideFile_throws() throws Exception {
    try (FileByteSource source = new FileByteSource(write(content(1000)))) {
      assertThatThrownBy(() -> source.seek(1001)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> source.seek(-1)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void missingFile_constructor_throws() {
    assertThatThrownBy(() -> new FileByteSource(tempDir.resolve("absent.flac")))
        .isInstanceOfAny(IOException.class, NoSuchFileException.class);
  }

  @Test
  void closedSource_read_throws() throws Exception {
    FileByteSource source = new FileByteSource(write(content(10)));
    source.close();

    assertThatThrownBy(() -> source.read(new byte[4], 0, 4)).isInstanceOf(IOException.class);
  }

  @Test
  void invalidRange_read_throws() throws Exception {
    try (FileByteSource source = new FileByteSource(write(content(10)))) {
      assertThatThrownBy(() -> source.read(new byte[4], 2, 3))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThat(source.read(new byte[4], 4, 0)).isZero();
    }
  }
}
