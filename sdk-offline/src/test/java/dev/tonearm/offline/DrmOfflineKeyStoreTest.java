package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.KeyStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DrmOfflineKeyStore} over a real file-backed {@link DeviceKeyStore} and real RSA-OAEP. */
class DrmOfflineKeyStoreTest {
  private static final byte[] APP_SIGNATURE = "offline-key-test".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private DeviceKeyStore deviceStore;
  private DrmOfflineKeyStore store;

  @BeforeEach
  void open() throws DrmException {
    deviceStore = openDeviceStore("device-a");
    store = new DrmOfflineKeyStore(deviceStore);
  }

  @AfterEach
  void close() {
    deviceStore.close();
  }

  @Test
  void put_thenGet_unwrapsToSameContentKey() throws Exception {
    byte[] cek = randomKey();
    store.put(new DeviceKey("t-1", "k-1", wrap(cek, deviceStore.deviceIdentity().publicKey())));

    DeviceKey stored = store.get("t-1");

    assertThat(stored.trackId()).isEqualTo("t-1");
    assertThat(stored.keyId()).isEqualTo("k-1");
    ContentKey unwrapped =
        deviceStore.deviceIdentity().unwrapContentKey("k-1", stored.wrappedKey(), Long.MAX_VALUE);
    assertThat(unwrapped.keyBytes()).isEqualTo(cek);
    assertThat(store.trackIds()).containsExactly("t-1");
  }

  @Test
  void put_survivesReopen() throws Exception {
    byte[] cek = randomKey();
    store.put(new DeviceKey("t-1", "k-1", wrap(cek, deviceStore.deviceIdentity().publicKey())));
    deviceStore.close();

    deviceStore = openDeviceStore("device-a");
    DeviceKey stored = new DrmOfflineKeyStore(deviceStore).get("t-1");

    assertThat(stored).isNotNull();
    ContentKey unwrapped =
        deviceStore.deviceIdentity().unwrapContentKey("k-1", stored.wrappedKey(), Long.MAX_VALUE);
    assertThat(unwrapped.keyBytes()).isEqualTo(cek);
  }

  @Test
  void put_keyWrappedForOtherDevice_rejectedInvalidGrant() throws Exception {
    DeviceKeyStore other = openDeviceStore("device-b");
    PublicKey otherKey = other.deviceIdentity().publicKey();
    other.close();

    assertThatThrownBy(() -> store.put(new DeviceKey("t-1", "k-1", wrap(randomKey(), otherKey))))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INVALID_GRANT);
    assertThat(store.get("t-1")).isNull();
    assertThat(deviceStore.contentKeyIds()).isEmpty();
  }

  @Test
  void put_newKeyIdForTrack_replacesOldKey() throws Exception {
    PublicKey publicKey = deviceStore.deviceIdentity().publicKey();
    store.put(new DeviceKey("t-1", "k-old", wrap(randomKey(), publicKey)));
    store.put(new DeviceKey("t-1", "k-new", wrap(randomKey(), publicKey)));

    assertThat(store.get("t-1").keyId()).isEqualTo("k-new");
    assertThat(deviceStore.contentKeyIds()).containsExactly("offline/t-1/k-new");
  }

  @Test
  void remove_deletesDurably() throws Exception {
    PublicKey publicKey = deviceStore.deviceIdentity().publicKey();
    store.put(new DeviceKey("t-1", "k-1", wrap(randomKey(), publicKey)));
    store.put(new DeviceKey("t-2", "k-2", wrap(randomKey(), publicKey)));

    store.remove("t-1");
    store.remove("t-missing");
    deviceStore.close();
    deviceStore = openDeviceStore("device-a");
    store = new DrmOfflineKeyStore(deviceStore);

    assertThat(store.get("t-1")).isNull();
    assertThat(store.trackIds()).containsExactly("t-2");
  }

  @Test
  void trackIds_ignoreStreamingLicenceKeys() throws Exception {
    deviceStore.putContentKey(new ContentKey("k-streaming", randomKey(), Long.MAX_VALUE));
    store.put(
        new DeviceKey("t-1", "k-1", wrap(randomKey(), deviceStore.deviceIdentity().publicKey())));

    assertThat(store.trackIds()).containsExactly("t-1");
    assertThat(store.get("k-streaming")).isNull();
  }

  @Test
  void putAll_manyKeys_oneWrite() throws Exception {
    CountingStorage storage = new CountingStorage(dir.resolve("batch.tks"));
    DeviceKeyStore batchStore = openDeviceStore(storage, "device-a");
    PublicKey publicKey = batchStore.deviceIdentity().publicKey();
    List<DeviceKey> keys = new ArrayList<>();
    Map<String, byte[]> ceks = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      byte[] cek = randomKey();
      ceks.put("t-" + i, cek);
      keys.add(new DeviceKey("t-" + i, "k-" + i, wrap(cek, publicKey)));
    }
    int writesBefore = storage.writes;

    new DrmOfflineKeyStore(batchStore).putAll(keys);

    assertThat(storage.writes - writesBefore).isEqualTo(1);
    batchStore.close();
    DeviceKeyStore reopened = openDeviceStore(storage, "device-a");
    try {
      DrmOfflineKeyStore reopenedStore = new DrmOfflineKeyStore(reopened);
      assertThat(reopenedStore.trackIds()).hasSize(200);
      DeviceKey last = reopenedStore.get("t-199");
      assertThat(last.keyId()).isEqualTo("k-199");
      ContentKey unwrapped =
          reopened.deviceIdentity().unwrapContentKey("k-199", last.wrappedKey(), Long.MAX_VALUE);
      assertThat(unwrapped.keyBytes()).isEqualTo(ceks.get("t-199"));
    } finally {
      reopened.close();
    }
  }

  @Test
  void putAll_newKeyIds_replaceOldEntries() throws Exception {
    CountingStorage storage = new CountingStorage(dir.resolve("replace.tks"));
    DeviceKeyStore batchStore = openDeviceStore(storage, "device-a");
    try {
      DrmOfflineKeyStore offline = new DrmOfflineKeyStore(batchStore);
      PublicKey publicKey = batchStore.deviceIdentity().publicKey();
      offline.putAll(
          Arrays.asList(
              new DeviceKey("t-1", "k-old", wrap(randomKey(), publicKey)),
              new DeviceKey("t-2", "k-2", wrap(randomKey(), publicKey))));
      int writesBefore = storage.writes;

      offline.putAll(
          Arrays.asList(
              new DeviceKey("t-1", "k-new", wrap(randomKey(), publicKey)),
              new DeviceKey("t-3", "k-3", wrap(randomKey(), publicKey))));

      assertThat(storage.writes - writesBefore).isEqualTo(1);
      assertThat(batchStore.contentKeyIds())
          .containsExactly("offline/t-1/k-new", "offline/t-2/k-2", "offline/t-3/k-3");
    } finally {
      batchStore.close();
    }
  }

  @Test
  void putAll_foreignKey_storesNone() throws Exception {
    DeviceKeyStore other = openDeviceStore("device-b");
    PublicKey otherKey = other.deviceIdentity().publicKey();
    other.close();
    PublicKey publicKey = deviceStore.deviceIdentity().publicKey();
    store.put(new DeviceKey("t-0", "k-0", wrap(randomKey(), publicKey)));
    List<DeviceKey> keys =
        Arrays.asList(
            new DeviceKey("t-1", "k-1", wrap(randomKey(), publicKey)),
            new DeviceKey("t-2", "k-2", wrap(randomKey(), otherKey)),
            new DeviceKey("t-3", "k-3", wrap(randomKey(), publicKey)));

    assertThatThrownBy(() -> store.putAll(keys))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("t-2")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.INVALID_GRANT);
    assertThat(store.trackIds()).containsExactly("t-0");
  }

  @Test
  void putAll_writeFails_keepsPreviousFile() throws Exception {
    CountingStorage storage = new CountingStorage(dir.resolve("failing.tks"));
    DeviceKeyStore batchStore = openDeviceStore(storage, "device-a");
    PublicKey publicKey = batchStore.deviceIdentity().publicKey();
    DrmOfflineKeyStore offline = new DrmOfflineKeyStore(batchStore);
    offline.put(new DeviceKey("t-0", "k-0", wrap(randomKey(), publicKey)));
    byte[] fileBefore = Files.readAllBytes(storage.file.file());
    List<DeviceKey> keys = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      keys.add(new DeviceKey("t-" + i, "k-" + i, wrap(randomKey(), publicKey)));
    }
    storage.failWrites = true;

    assertThatThrownBy(() -> offline.putAll(keys))
        .isInstanceOf(OfflineException.class)
        .hasMessageContaining("simulated full disk")
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.IO_ERROR);
    assertThat(offline.trackIds()).containsExactly("t-0");
    assertThat(Files.readAllBytes(storage.file.file())).isEqualTo(fileBefore);
    DeviceKeyStore beside = openDeviceStore(storage, "device-a");
    try {
      assertThat(new DrmOfflineKeyStore(beside).trackIds()).containsExactly("t-0");
    } finally {
      beside.close();
    }

    storage.failWrites = false;
    offline.putAll(keys);
    batchStore.close();

    DeviceKeyStore reopened = openDeviceStore(storage, "device-a");
    try {
      assertThat(new DrmOfflineKeyStore(reopened).trackIds()).hasSize(51);
    } finally {
      reopened.close();
    }
  }

  @Test
  void removeAll_manyTracks_oneWrite() throws Exception {
    CountingStorage storage = new CountingStorage(dir.resolve("remove.tks"));
    DeviceKeyStore batchStore = openDeviceStore(storage, "device-a");
    try {
      DrmOfflineKeyStore offline = new DrmOfflineKeyStore(batchStore);
      PublicKey publicKey = batchStore.deviceIdentity().publicKey();
      batchStore.putContentKey(new ContentKey("k-streaming", randomKey(), Long.MAX_VALUE));
      List<DeviceKey> keys = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        keys.add(new DeviceKey("t-" + i, "k-" + i, wrap(randomKey(), publicKey)));
      }
      offline.putAll(keys);
      List<String> toRemove = new ArrayList<>();
      for (int i = 0; i < 19; i++) {
        toRemove.add("t-" + i);
      }
      toRemove.add("t-missing");
      int writesBefore = storage.writes;

      offline.removeAll(toRemove);
      offline.removeAll(Arrays.asList("t-missing", "t-0"));

      assertThat(storage.writes - writesBefore).isEqualTo(1);
      assertThat(batchStore.contentKeyIds()).containsExactly("k-streaming", "offline/t-19/k-19");
    } finally {
      batchStore.close();
    }
  }

  @Test
  void get_closedDeviceStore_failsIoError() {
    deviceStore.close();

    assertThatThrownBy(() -> store.get("t-1"))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.IO_ERROR);
  }

  private DeviceKeyStore openDeviceStore(String hardwareId) throws DrmException {
    return openDeviceStore(new FileKeyStorage(dir.resolve(hardwareId + ".tks")), hardwareId);
  }

  private static DeviceKeyStore openDeviceStore(KeyStorage storage, String hardwareId)
      throws DrmException {
    return DeviceKeyStore.builder(
            storage, () -> hardwareId.getBytes(StandardCharsets.UTF_8), APP_SIGNATURE)
        .open();
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * A real {@link FileKeyStorage} that counts writes and can be made to fail them. The failure
   * simulates a full disk or a read-only folder: tests here run as root, which can write to a
   * read-only folder.
   */
  private static final class CountingStorage implements KeyStorage {
    final FileKeyStorage file;
    volatile boolean failWrites;
    volatile int writes;

    CountingStorage(Path path) {
      this.file = new FileKeyStorage(path);
    }

    @Override
    public byte[] read() throws IOException {
      return file.read();
    }

    @Override
    public synchronized void write(byte[] blob) throws IOException {
      if (failWrites) {
        throw new IOException("simulated full disk");
      }
      file.write(blob);
      writes++;
    }

    @Override
    public void delete() throws IOException {
      file.delete();
    }
  }

  /** Wraps like the server does: RSA-OAEP, SHA-256, MGF1-SHA-256, empty label. */
  static byte[] wrap(byte[] cek, PublicKey publicKey) throws Exception {
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(
        Cipher.ENCRYPT_MODE,
        publicKey,
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    return cipher.doFinal(cek);
  }
}
