package dev.tonearm.bench;

import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.DeviceIdentity;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.KeyStorage;
import dev.tonearm.offline.DeviceKey;
import dev.tonearm.offline.DrmOfflineKeyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Device-side time to store and to remove the keys of one offline licence refresh in the DRM-backed
 * offline key store, with each key stored on its own and with one batch.
 *
 * <p>Every run starts from a copy of the same key store file, which contains the device identity
 * and no content keys, in a temporary folder on the default file system. The keys are RSA-OAEP
 * (SHA-256) wraps of random 32-byte content keys for that device, made once before the runs. The
 * store is a {@link DrmOfflineKeyStore} over a {@link DeviceKeyStore} in a {@link FileKeyStorage},
 * so every write is the real AES-256-GCM seal, forced temporary file and atomic rename.
 *
 * <p>Variants: "one put per key" calls {@link DrmOfflineKeyStore#put} for each key, which is how a
 * refresh stored keys before batches existed and still makes one file write per key. "putAll"
 * stores every key with one call and one write. "unwrap only" decrypts every key with the device's
 * private key and writes nothing: the part of a batch that does not depend on the file. "writes
 * only" stores already unwrapped content keys in the {@link DeviceKeyStore} with one write per key
 * or one write in all, so it measures the file cost alone. Removal runs on a store that contains
 * every key, with {@code remove} per track or one {@code removeAll}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.OfflineKeyStoreBenchmark [keys] [batchRuns] [perKeyRuns]}; defaults 10,000
 * keys, 5 batch runs and 1 per-key run. Each per-key run of 10,000 keys writes several gigabytes.
 */
public final class OfflineKeyStoreBenchmark {
  private static final byte[] HARDWARE_ID =
      "offline-key-store-bench".getBytes(StandardCharsets.UTF_8);
  private static final byte[] APP_SIGNATURE = "tonearm-benchmark".getBytes(StandardCharsets.UTF_8);
  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private OfflineKeyStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keyCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int batchRuns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int perKeyRuns = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path folder = Files.createTempDirectory("offline-key-store-bench");
    Path seed = folder.resolve("seed.tks");
    PublicKey publicKey;
    try (DeviceKeyStore store = open(new FileKeyStorage(seed))) {
      publicKey = store.deviceIdentity().publicKey();
    }
    List<DeviceKey> keys = wrapKeys(keyCount, publicKey);
    System.out.printf(
        Locale.ROOT,
        "%d keys; %d batch runs, %d per-key runs; %d cores; Java %s; folder %s%n",
        keyCount,
        batchRuns,
        perKeyRuns,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        folder);
    System.out.printf(
        Locale.ROOT,
        "%-21s %4s %12s %8s %14s %14s%n",
        "variant",
        "run",
        "ms",
        "writes",
        "bytes written",
        "final bytes");

    measureUnwrapOnly(seed, keys);
    for (int run = 1; run <= batchRuns; run++) {
      measureStore(folder, seed, keys, true, run);
    }
    for (int run = 1; run <= perKeyRuns; run++) {
      measureStore(folder, seed, keys, false, run);
    }
    for (int run = 1; run <= batchRuns; run++) {
      measureContentKeyWrites(folder, seed, keyCount, true, run);
    }
    for (int run = 1; run <= perKeyRuns; run++) {
      measureContentKeyWrites(folder, seed, keyCount, false, run);
    }
    for (int run = 1; run <= batchRuns; run++) {
      measureRemove(folder, seed, keys, true, run);
    }
    for (int run = 1; run <= perKeyRuns; run++) {
      measureRemove(folder, seed, keys, false, run);
    }
    Files.deleteIfExists(seed);
    Files.deleteIfExists(folder);
  }

  private static void measureUnwrapOnly(Path seed, List<DeviceKey> keys) throws Exception {
    try (DeviceKeyStore store = open(new FileKeyStorage(seed))) {
      DeviceIdentity identity = store.deviceIdentity();
      long startNs = System.nanoTime();
      for (DeviceKey key : keys) {
        ContentKey content =
            identity.unwrapContentKey(key.keyId(), key.wrappedKey(), Long.MAX_VALUE);
        content.destroy();
      }
      print("unwrap only", 1, System.nanoTime() - startNs, 0, 0, 0);
    }
  }

  private static void measureStore(
      Path folder, Path seed, List<DeviceKey> keys, boolean batch, int run) throws Exception {
    Path file = folder.resolve("run.tks");
    Files.copy(seed, file);
    CountingStorage storage = new CountingStorage(new FileKeyStorage(file));
    try (DeviceKeyStore store = open(storage)) {
      DrmOfflineKeyStore offline = new DrmOfflineKeyStore(store);
      long startNs = System.nanoTime();
      if (batch) {
        offline.putAll(keys);
      } else {
        for (DeviceKey key : keys) {
          offline.put(key);
        }
      }
      long elapsedNs = System.nanoTime() - startNs;
      requireKeyCount(offline, keys.size());
      print(
          batch ? "putAll" : "one put per key",
          run,
          elapsedNs,
          storage.writes,
          storage.bytesWritten,
          Files.size(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Measures the file writes alone: content keys stored in the device key store, no unwrap. */
  private static void measureContentKeyWrites(
      Path folder, Path seed, int keyCount, boolean batch, int run) throws Exception {
    List<ContentKey> contentKeys = new ArrayList<>(keyCount);
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < keyCount; i++) {
      byte[] keyBytes = new byte[ContentKey.KEY_LENGTH_BYTES];
      random.nextBytes(keyBytes);
      String trackId = String.format(Locale.ROOT, "t-%05d", i);
      contentKeys.add(
          new ContentKey("offline/" + trackId + "/k-" + trackId, keyBytes, Long.MAX_VALUE));
    }
    Path file = folder.resolve("run.tks");
    Files.copy(seed, file);
    CountingStorage storage = new CountingStorage(new FileKeyStorage(file));
    try (DeviceKeyStore store = open(storage)) {
      long startNs = System.nanoTime();
      if (batch) {
        store.putContentKeys(contentKeys);
      } else {
        for (ContentKey key : contentKeys) {
          store.putContentKey(key);
        }
      }
      long elapsedNs = System.nanoTime() - startNs;
      if (store.contentKeyIds().size() != keyCount) {
        throw new IllegalStateException("expected " + keyCount + " stored content keys");
      }
      print(
          batch ? "writes only, batch" : "writes only, per key",
          run,
          elapsedNs,
          storage.writes,
          storage.bytesWritten,
          Files.size(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void measureRemove(
      Path folder, Path seed, List<DeviceKey> keys, boolean batch, int run) throws Exception {
    Path file = folder.resolve("run.tks");
    Files.copy(seed, file);
    CountingStorage storage = new CountingStorage(new FileKeyStorage(file));
    try (DeviceKeyStore store = open(storage)) {
      DrmOfflineKeyStore offline = new DrmOfflineKeyStore(store);
      offline.putAll(keys);
      storage.reset();
      List<String> trackIds = new ArrayList<>(keys.size());
      for (DeviceKey key : keys) {
        trackIds.add(key.trackId());
      }
      long startNs = System.nanoTime();
      if (batch) {
        offline.removeAll(trackIds);
      } else {
        for (String trackId : trackIds) {
          offline.remove(trackId);
        }
      }
      long elapsedNs = System.nanoTime() - startNs;
      requireKeyCount(offline, 0);
      print(
          batch ? "removeAll" : "one remove per key",
          run,
          elapsedNs,
          storage.writes,
          storage.bytesWritten,
          Files.size(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void requireKeyCount(DrmOfflineKeyStore store, int expected) throws IOException {
    int stored = store.trackIds().size();
    if (stored != expected) {
      throw new IllegalStateException("expected " + expected + " stored keys, found " + stored);
    }
  }

  private static void print(
      String variant, int run, long elapsedNs, int writes, long bytesWritten, long finalBytes) {
    System.out.printf(
        Locale.ROOT,
        "%-21s %4d %12.1f %8d %14d %14d%n",
        variant,
        run,
        elapsedNs / 1e6,
        writes,
        bytesWritten,
        finalBytes);
  }

  private static DeviceKeyStore open(KeyStorage storage) throws Exception {
    return DeviceKeyStore.builder(storage, HARDWARE_ID::clone, APP_SIGNATURE).open();
  }

  /** Wraps a random content key per track for the device, as the licence server does. */
  private static List<DeviceKey> wrapKeys(int count, PublicKey publicKey) throws Exception {
    SecureRandom random = new SecureRandom();
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    List<DeviceKey> keys = new ArrayList<>(count);
    byte[] contentKey = new byte[ContentKey.KEY_LENGTH_BYTES];
    for (int i = 0; i < count; i++) {
      random.nextBytes(contentKey);
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, OAEP_SHA256);
      String trackId = String.format(Locale.ROOT, "t-%05d", i);
      keys.add(new DeviceKey(trackId, "k-" + trackId, cipher.doFinal(contentKey)));
    }
    return Collections.unmodifiableList(keys);
  }

  /** Forwards to a {@link FileKeyStorage} and counts the writes and the bytes they carry. */
  private static final class CountingStorage implements KeyStorage {
    private final FileKeyStorage file;
    private int writes;
    private long bytesWritten;

    CountingStorage(FileKeyStorage file) {
      this.file = file;
    }

    void reset() {
      writes = 0;
      bytesWritten = 0;
    }

    @Override
    public byte[] read() throws IOException {
      return file.read();
    }

    @Override
    public void write(byte[] blob) throws IOException {
      file.write(blob);
      writes++;
      bytesWritten += blob.length;
    }

    @Override
    public void delete() throws IOException {
      file.delete();
    }
  }
}
