package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStorageTest {
  @TempDir Path dir;

  @Test
  void read_missingFile_returnsNull() throws Exception {
    assertThat(new FileKeyStorage(dir.resolve("none")).read()).isNull();
  }

  @Test
  void write_replacesContentAndLeavesNoTemporaryFile() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("a").resolve("keys.tks"));

    storage.write(new byte[] {1, 2, 3});
    storage.write(new byte[] {4, 5});

    assertThat(storage.read()).containsExactly(4, 5);
    try (var files = Files.list(dir.resolve("a"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keys.tks");
    }
  }

  @Test
  void leftoverTemporaryFileFromCrash_isIgnored() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("keys.tks"));
    storage.write(new byte[] {7, 7});
    // A crash between writing the temporary file and the rename leaves this behind.
    Files.write(dir.resolve(".keys.tks.0011223344556677.tmp"), new byte[] {9});

    assertThat(storage.read()).containsExactly(7, 7);
  }

  @Test
  void delete_removesTheFile() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("keys.tks"));
    storage.write(new byte[] {1});

    storage.delete();

    assertThat(storage.read()).isNull();
  }
}
