package dev.tonearm.server.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOfflineStoreTest {
  @TempDir Path dir;

  private static AccountRecord sampleAccount(String accountId) {
    Instant registered = Instant.parse("2025-01-02T03:04:05.678Z");
    return new AccountRecord(
        accountId,
        List.of(
            new DeviceRecord("d-1", "Phone", registered, registered.plusSeconds(60), Set.of("t-1")),
            new DeviceRecord("d-2", "Tablet \u00e9", registered, null, Set.of())));
  }

  @Test
  void load_afterSaveInNewInstance_returnsSameRecord() throws IOException {
    AccountRecord saved = sampleAccount("u-1");
    new FileOfflineStore(dir).save(saved);

    AccountRecord loaded = new FileOfflineStore(dir).load("u-1").orElseThrow();

    assertThat(loaded).isEqualTo(saved);
  }

  @Test
  void load_unknownAccount_isEmpty() throws IOException {
    assertThat(new FileOfflineStore(dir).load("u-none")).isEmpty();
  }

  @Test
  void save_accountIdWithPathCharacters_staysInDirectory() throws IOException {
    new FileOfflineStore(dir).save(sampleAccount("../../evil"));

    try (Stream<Path> files = Files.list(dir)) {
      List<Path> names = files.toList();
      assertThat(names).hasSize(1);
      assertThat(names.get(0).getFileName().toString()).matches("[0-9a-f]{32}\\.json");
    }
    assertThat(new FileOfflineStore(dir).load("../../evil")).isPresent();
  }

  @Test
  void save_replacingRecord_leavesNoTemporaryFile() throws IOException {
    FileOfflineStore store = new FileOfflineStore(dir);
    store.save(sampleAccount("u-1"));
    store.save(AccountRecord.empty("u-1"));

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(name -> name.endsWith(".json"));
    }
    assertThat(new FileOfflineStore(dir).load("u-1").orElseThrow().devices()).isEmpty();
  }

  @Test
  void load_corruptFile_failsWithPath() throws IOException {
    new FileOfflineStore(dir).save(sampleAccount("u-1"));
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.findFirst().orElseThrow();
    }
    Files.write(file, "{\"version\":1,\"accountId\":".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> new FileOfflineStore(dir).load("u-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void load_unsupportedVersion_fails() throws IOException {
    new FileOfflineStore(dir).save(sampleAccount("u-1"));
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.findFirst().orElseThrow();
    }
    Files.write(file, "{\"version\":99,\"accountId\":\"u-1\"}".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> new FileOfflineStore(dir).load("u-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unsupported version");
  }
}
