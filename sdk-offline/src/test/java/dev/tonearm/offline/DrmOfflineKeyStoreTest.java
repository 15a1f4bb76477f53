package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.FileKeyStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
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
  void get_closedDeviceStore_failsIoError() {
    deviceStore.close();

    assertThatThrownBy(() -> store.get("t-1"))
        .isInstanceOf(OfflineException.class)
        .extracting(e -> ((OfflineException) e).reason())
        .isEqualTo(OfflineException.Reason.IO_ERROR);
  }

  private DeviceKeyStore openDeviceStore(String hardwareId) throws DrmException {
    return DeviceKeyStore.builder(
            new FileKeyStorage(dir.resolve(hardwareId + ".tks")),
            () -> hardwareId.getBytes(StandardCharsets.UTF_8),
            APP_SIGNATURE)
        .open();
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
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
