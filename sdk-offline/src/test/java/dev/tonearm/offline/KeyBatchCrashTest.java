package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.KeyStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM while {@link DrmOfflineKeyStore#putAll} writes a batch to a real key store
 * file, and checks that the file then opens and contains exactly one whole batch.
 *
 * <p>Every batch stores the same tracks under a new key id, so a torn write would show as tracks
 * with mixed key ids, as missing tracks, or as a file that fails its checks. The child prints a
 * line when a write starts; the parent kills it on the seeded write, so the kill lands somewhere in
 * the write, its forced sync, the rename or shortly after.
 */
class KeyBatchCrashTest {
  private static final int TRACKS = 300;
  private static final int ROUNDS = 4;
  private static final long TIMEOUT_S = 120;
  private static final byte[] APP_SIGNATURE = "key-batch-crash".getBytes(StandardCharsets.UTF_8);
  private static final String HARDWARE_ID = "key-batch-crash-device";

  @TempDir Path directory;

  @Test
  void putAll_killedMidWrite_keepsWholeBatch() throws Exception {
    Path file = directory.resolve("keys.tks");
    // Created here, so that every write of the children is a batch write.
    open(new FileKeyStorage(file)).close();
    int lastCompletedBatch = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      int killAtWrite = 1 + round % 3;
      int completed = runChildUntilKilled(file, killAtWrite);

      DeviceKeyStore store = open(new FileKeyStorage(file));
      try {
        DrmOfflineKeyStore offline = new DrmOfflineKeyStore(store);
        assertThat(offline.trackIds()).as("tracks after round %d", round).hasSize(TRACKS);
        Set<String> keyIds = new HashSet<>();
        for (String trackId : offline.trackIds()) {
          keyIds.add(offline.get(trackId).keyId());
        }
        assertThat(keyIds).as("key ids after round %d", round).hasSize(1);
        int storedBatch = Integer.parseInt(keyIds.iterator().next().substring("k-".length()));
        assertThat(storedBatch)
            .as("batch stored after round %d", round)
            .isGreaterThanOrEqualTo(Math.max(completed, lastCompletedBatch));
        lastCompletedBatch = storedBatch;
      } finally {
        store.close();
      }
      try (Stream<Path> files = Files.list(directory)) {
        files
            .filter(path -> path.getFileName().toString().endsWith(".tmp"))
            .forEach(KeyBatchCrashTest::deleteQuietly);
      }
    }
  }

  /**
   * Runs the child until it prints the start of its {@code killAtWrite}-th batch write, kills it
   * there and returns the number of the last batch that it reported as stored.
   */
  private int runChildUntilKilled(Path file, int killAtWrite) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            Child.class.getName(),
            file.toString());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    List<String> output = new ArrayList<>();
    int completed = 0;
    int writes = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
        if (line.startsWith("STORED ")) {
          completed = Integer.parseInt(line.substring("STORED ".length()));
        } else if (line.startsWith("WRITE ")) {
          writes++;
          if (writes == killAtWrite) {
            process.destroyForcibly();
            break;
          }
        }
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      assertThat(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).as("child ended").isTrue();
    }
    if (writes < killAtWrite) {
      fail("child ended before write %d; output: %s", killAtWrite, output);
    }
    return completed;
  }

  private static DeviceKeyStore open(KeyStorage storage) throws Exception {
    return DeviceKeyStore.builder(
            storage, () -> HARDWARE_ID.getBytes(StandardCharsets.UTF_8), APP_SIGNATURE)
        .open();
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + path, e);
    }
  }

  /**
   * The killed process: stores batch after batch of {@link #TRACKS} keys with key id {@code
   * k-BATCH}, numbering on from the batch it finds in the file. It prints {@code WRITE n} as each
   * file write starts and {@code STORED n} when batch n is stored.
   */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      PrintStream out =
          new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
      FileKeyStorage file = new FileKeyStorage(Paths.get(args[0]));
      int[] writes = new int[1];
      KeyStorage announcing =
          new KeyStorage() {
            @Override
            public byte[] read() throws IOException {
              return file.read();
            }

            @Override
            public void write(byte[] blob) throws IOException {
              writes[0]++;
              out.println("WRITE " + writes[0]);
              file.write(blob);
            }

            @Override
            public void delete() throws IOException {
              file.delete();
            }
          };
      DeviceKeyStore store = open(announcing);
      DrmOfflineKeyStore offline = new DrmOfflineKeyStore(store);
      PublicKey publicKey = store.deviceIdentity().publicKey();
      int batch = 0;
      DeviceKey first = offline.get("t-0");
      if (first != null) {
        batch = Integer.parseInt(first.keyId().substring("k-".length()));
      }
      SecureRandom random = new SecureRandom();
      while (true) {
        batch++;
        List<DeviceKey> keys = new ArrayList<>(TRACKS);
        for (int i = 0; i < TRACKS; i++) {
          byte[] contentKey = new byte[32];
          random.nextBytes(contentKey);
          keys.add(
              new DeviceKey(
                  "t-" + i, "k-" + batch, DrmOfflineKeyStoreTest.wrap(contentKey, publicKey)));
        }
        offline.putAll(keys);
        out.println("STORED " + batch);
      }
    }
  }
}
