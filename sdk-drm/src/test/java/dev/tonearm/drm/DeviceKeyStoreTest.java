package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceKeyStoreTest {
  private static final HardwareIdentity DEVICE_A = fixedId("machine-id:device-a");
  private static final HardwareIdentity DEVICE_B = fixedId("machine-id:device-b");
  private static final byte[] APP = "app-signature-sha256:0011".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_APP =
      "app-signature-sha256:9988".getBytes(StandardCharsets.UTF_8);
  private static final long NOW_MS = 1_800_000_000_000L;

  /** A key store file with a device identity and two content keys, written once. */
  private static byte[] sampleStore;

  @TempDir static Path sharedDir;
  @TempDir Path dir;

  @BeforeAll
  static void writeSampleStore() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(sharedDir.resolve("sample.tks"));
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      store.putContentKey(new ContentKey("k-one", filled(1), NOW_MS + 60_000));
      store.putContentKey(new ContentKey("k-two", filled(2), NOW_MS + 120_000));
    }
    sampleStore = Files.readAllBytes(storage.file());
  }

  @Test
  void reopen_sameDevice_keepsIdentityAndKeys() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("store.tks"));
    String deviceId;
    String publicKey;
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      deviceId = store.deviceIdentity().deviceId();
      publicKey = store.deviceIdentity().publicKeyBase64();
      store.putContentKey(new ContentKey("k-1", filled(7), NOW_MS + 1000));
    }

    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(reopened.deviceIdentity().deviceId()).isEqualTo(deviceId);
      assertThat(reopened.deviceIdentity().publicKeyBase64()).isEqualTo(publicKey);
      assertThat(reopened.contentKeyIds()).containsExactly("k-1");
      ContentKey key = reopened.contentKey("k-1");
      assertThat(key.keyBytes()).isEqualTo(filled(7));
      assertThat(key.expiresAtMs()).isEqualTo(NOW_MS + 1000);
    }
  }

  @Test
  void newStore_createsRsa2048Identity() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("sub").resolve("store.tks"));
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      java.security.interfaces.RSAPublicKey key =
          (java.security.interfaces.RSAPublicKey) store.deviceIdentity().publicKey();
      assertThat(key.getModulus().bitLength()).isEqualTo(2048);
      assertThat(store.deviceIdentity().deviceId()).matches("d-[0-9a-f]{32}");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void copiedToOtherDevice_failsWithDeviceMismatch() throws Exception {
    FileKeyStorage copy = storageWith(sampleStore);

    assertThatThrownBy(() -> open(copy, DEVICE_B, APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_DEVICE_MISMATCH));
  }

  @Test
  void otherAppSignature_failsWithAppMismatch() throws Exception {
    FileKeyStorage copy = storageWith(sampleStore);

    assertThatThrownBy(() -> open(copy, DEVICE_A, OTHER_APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_APP_MISMATCH));
  }

  @Test
  void everySingleBitFlip_isDetectedAsCorrupt() throws Exception {
    Path file = dir.resolve("flipped.tks");
    FileKeyStorage storage = new FileKeyStorage(file);
    int detected = 0;
    for (int bit = 0; bit < sampleStore.length * 8; bit++) {
      byte[] flipped = sampleStore.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(file, flipped);
      try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
        throw new AssertionError("bit " + bit + " flipped but the key store opened: " + store);
      } catch (DrmException e) {
        assertThat(e.reason())
            .as("reason for bit %d: %s", bit, e)
            .isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT);
        detected++;
      }
    }
    assertThat(detected).isEqualTo(sampleStore.length * 8);
  }

  @Test
  void tamperedCiphertextWithFixedChecksum_failsAuthentication() throws Exception {
    byte[] forged = sampleStore.clone();
    forged[DeviceKeyStore.HEADER_LENGTH_BYTES + 10] ^= 0x40;
    rewriteChecksum(forged);

    assertThatThrownBy(() -> open(storageWith(forged), DEVICE_A, APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT);
              assertThat(e.getMessage()).contains("fails authentication");
            });
  }

  @Test
  void tamperedHeaderWithFixedChecksum_failsAuthentication() throws Exception {
    byte[] forged = sampleStore.clone();
    forged[DeviceKeyStore.HEADER_LENGTH_BYTES - 5] ^= 0x01; // last nonce byte
    rewriteChecksum(forged);

    assertThatThrownBy(() -> open(storageWith(forged), DEVICE_A, APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT));
  }

  @Test
  void futureFormatVersion_failsWithUnsupportedVersion() throws Exception {
    byte[] forged = sampleStore.clone();
    forged[4] = 2;
    rewriteChecksum(forged);

    assertThatThrownBy(() -> open(storageWith(forged), DEVICE_A, APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e ->
                assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_UNSUPPORTED_VERSION));
  }

  @Test
  void truncatedOrEmptyFile_failsWithCorrupt() throws Exception {
    for (int length :
        new int[] {0, 1, 4, DeviceKeyStore.HEADER_LENGTH_BYTES, sampleStore.length - 1}) {
      byte[] truncated = Arrays.copyOf(sampleStore, length);
      assertThatThrownBy(
              () -> open(storageWith(truncated), DEVICE_A, APP, new MutableClock(NOW_MS)))
          .as("length %d", length)
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT));
    }
  }

  @Test
  void randomGarbage_failsWithCorrupt() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] garbage = new byte[random.nextInt(4000)];
      random.nextBytes(garbage);
      assertThatThrownBy(() -> open(storageWith(garbage), DEVICE_A, APP, new MutableClock(NOW_MS)))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT));
    }
  }

  @Test
  void oversizedFile_failsWithCorruptBeforeReading() throws Exception {
    Path file = dir.resolve("huge.tks");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(FileKeyStorage.MAX_BLOB_SIZE_BYTES + 1L);
    }

    assertThatThrownBy(
            () -> open(new FileKeyStorage(file), DEVICE_A, APP, new MutableClock(NOW_MS)))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_CORRUPT));
  }

  @Test
  void contentKey_afterExpiry_failsWithLicenceExpired() throws Exception {
    MutableClock clock = new MutableClock(NOW_MS);
    try (DeviceKeyStore store = open(storageWith(sampleStore), DEVICE_A, APP, clock)) {
      assertThat(store.contentKey("k-one").keyId()).isEqualTo("k-one");

      clock.advance(Duration.ofSeconds(60));

      assertThatThrownBy(() -> store.contentKey("k-one"))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_LICENCE_EXPIRED));
      assertThat(store.contentKey("k-two").keyId()).isEqualTo("k-two");
    }
  }

  @Test
  void contentKey_unknownId_failsWithKeyNotFound() throws Exception {
    try (DeviceKeyStore store =
        open(storageWith(sampleStore), DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThatThrownBy(() -> store.contentKey("k-missing"))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_NOT_FOUND));
    }
  }

  @Test
  void deleteExpiredKeys_removesOnlyExpiredAndPersists() throws Exception {
    MutableClock clock = new MutableClock(NOW_MS + 90_000);
    FileKeyStorage storage = storageWith(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, clock)) {
      assertThat(store.deleteExpiredKeys()).isEqualTo(1);
      assertThat(store.contentKeyIds()).containsExactly("k-two");
    }
    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, clock)) {
      assertThat(reopened.contentKeyIds()).containsExactly("k-two");
      assertThat(reopened.expiresAtMs("k-two").getAsLong()).isEqualTo(NOW_MS + 120_000);
    }
  }

  @Test
  void failedWrite_keepsPreviousState() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      storage.failWrites = true;

      assertThatThrownBy(() -> store.putContentKey(new ContentKey("k-new", filled(9), NOW_MS + 5)))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_IO));
      assertThat(store.contentKeyIds()).containsExactly("k-one", "k-two");
      assertThat(storage.blob).isEqualTo(sampleStore);
    }
  }

  @Test
  void tooManyKeys_failsWithFullAndKeepsState() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    java.util.List<ContentKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i <= DeviceKeyStore.MAX_CONTENT_KEYS; i++) {
      keys.add(new ContentKey("k-bulk-" + i, filled(4), NOW_MS + 1000));
    }
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThatThrownBy(() -> store.putContentKeys(keys))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_FULL));
      assertThat(store.contentKeyIds()).containsExactly("k-one", "k-two");
      assertThat(storage.blob).isEqualTo(sampleStore);
    }
  }

  @Test
  void putContentKeys_manyKeys_writesOnce() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    java.util.List<ContentKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(new ContentKey("k-batch-" + i, filled(i % 200), NOW_MS + 1000 + i));
    }
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      store.putContentKeys(keys);

      assertThat(storage.writes).isEqualTo(1);
    }
    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(reopened.contentKeyIds()).hasSize(1002);
      ContentKey last = reopened.contentKey("k-batch-999");
      assertThat(last.keyBytes()).isEqualTo(filled(999 % 200));
      assertThat(last.expiresAtMs()).isEqualTo(NOW_MS + 1999);
    }
  }

  @Test
  void updateContentKeys_putAndDelete_oneWrite() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      int deleted =
          store.updateContentKeys(
              Arrays.asList(
                  new ContentKey("k-three", filled(3), NOW_MS + 3000),
                  new ContentKey("k-two", filled(22), NOW_MS + 2000)),
              Arrays.asList("k-one", "k-two", "k-missing"));

      assertThat(deleted).as("deleted and not stored again").isEqualTo(1);
      assertThat(storage.writes).isEqualTo(1);
    }
    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(reopened.contentKeyIds()).containsExactly("k-three", "k-two");
      assertThat(reopened.contentKey("k-two").keyBytes()).isEqualTo(filled(22));
    }
  }

  @Test
  void deleteContentKeys_someStored_oneWrite() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(store.deleteContentKeys(Arrays.asList("k-one", "k-two", "k-missing")))
          .isEqualTo(2);
      assertThat(storage.writes).isEqualTo(1);
    }
    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(reopened.contentKeyIds()).isEmpty();
    }
  }

  @Test
  void deleteContentKeys_noneStored_writesNothing() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(store.deleteContentKeys(Arrays.asList("k-missing", "k-other"))).isZero();
      assertThat(store.deleteContentKey("k-missing")).isFalse();

      assertThat(storage.writes).isZero();
      assertThat(storage.blob).isEqualTo(sampleStore);
    }
  }

  @Test
  void batchWrite_fails_keepsPreviousFile() throws Exception {
    FailingStorage storage = new FailingStorage(sampleStore);
    java.util.List<ContentKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add(new ContentKey("k-retry-" + i, filled(5), NOW_MS + 1000));
    }
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      storage.failWrites = true;

      assertThatThrownBy(() -> store.updateContentKeys(keys, Arrays.asList("k-one")))
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_IO));
      assertThat(store.contentKeyIds()).containsExactly("k-one", "k-two");
      assertThat(store.contentKey("k-one").keyBytes()).isEqualTo(filled(1));
      assertThat(storage.blob).isEqualTo(sampleStore);
      try (DeviceKeyStore beside = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
        assertThat(beside.contentKeyIds()).containsExactly("k-one", "k-two");
      }

      storage.failWrites = false;
      store.updateContentKeys(keys, Arrays.asList("k-one"));
    }
    try (DeviceKeyStore reopened = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      assertThat(reopened.contentKeyIds()).hasSize(501).contains("k-two").doesNotContain("k-one");
    }
  }

  @Test
  void eachWrite_usesFreshNonce() throws Exception {
    FileKeyStorage storage = storageWith(sampleStore);
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      store.putContentKey(new ContentKey("k-one", filled(1), NOW_MS + 60_000));
    }
    byte[] rewritten = Files.readAllBytes(storage.file());
    int nonceOffset = DeviceKeyStore.HEADER_LENGTH_BYTES - 4 - DeviceKeyStore.NONCE_LENGTH_BYTES;
    assertThat(Arrays.copyOfRange(rewritten, nonceOffset, nonceOffset + 12))
        .isNotEqualTo(Arrays.copyOfRange(sampleStore, nonceOffset, nonceOffset + 12));
  }

  @Test
  void atomicWrite_leavesNoTemporaryFiles() throws Exception {
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("store.tks"));
    try (DeviceKeyStore store = open(storage, DEVICE_A, APP, new MutableClock(NOW_MS))) {
      store.putContentKey(new ContentKey("k-1", filled(3), NOW_MS + 1));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("store.tks");
    }
  }

  static DeviceKeyStore open(
      KeyStorage storage, HardwareIdentity hardware, byte[] app, MutableClock clock)
      throws DrmException {
    return DeviceKeyStore.builder(storage, hardware, app).clock(clock).open();
  }

  static HardwareIdentity fixedId(String id) {
    return () -> id.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    key[0] = (byte) 0xA5;
    return key;
  }

  private FileKeyStorage storageWith(byte[] content) throws Exception {
    Path file = Files.createTempFile(dir, "copy", ".tks");
    Files.write(file, content);
    return new FileKeyStorage(file);
  }

  private static void rewriteChecksum(byte[] blob) {
    int digestOffset = blob.length - DeviceKeyStore.DIGEST_LENGTH_BYTES;
    byte[] digest = DeviceKeyStore.sha256(blob, 0, digestOffset);
    System.arraycopy(digest, 0, blob, digestOffset, digest.length);
  }

  /**
   * In-memory storage whose writes can be made to fail, to test rollback. It simulates a full disk
   * or a read-only folder, which tests running as root cannot produce with permissions.
   */
  private static final class FailingStorage implements KeyStorage {
    byte[] blob;
    boolean failWrites;
    int writes;

    FailingStorage(byte[] blob) {
      this.blob = blob.clone();
    }

    @Override
    public byte[] read() {
      return blob == null ? null : blob.clone();
    }

    @Override
    public void write(byte[] newBlob) throws java.io.IOException {
      if (failWrites) {
        throw new java.io.IOException("simulated full disk");
      }
      blob = newBlob.clone();
      writes++;
    }

    @Override
    public void delete() {
      blob = null;
    }
  }
}
