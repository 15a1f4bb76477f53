package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.player.OfflineSource;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.DrmException;
import dev.tonearm.drm.FileKeyStorage;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OfflinePlayback} over a real encrypted file, a real device key store and real AES-CTR. The
 * catalog is a stub of the {@link OfflineCatalog} interface, because these tests check how stored
 * parts are combined, not the download index.
 */
class OfflinePlaybackTest {
  private static final String IV = "000102030405060708090a0b0c0d0e0f";
  private static final int SIZE_BYTES = 70_000;

  @TempDir Path dir;
  private DeviceKeyStore deviceStore;
  private StubCatalog catalog;
  private byte[] plaintext;

  @BeforeEach
  void setUp() throws Exception {
    deviceStore =
        DeviceKeyStore.builder(
                new FileKeyStorage(dir.resolve("keys.tks")),
                () -> "hw".getBytes(StandardCharsets.UTF_8),
                "app".getBytes(StandardCharsets.UTF_8))
            .open();
    plaintext = new byte[SIZE_BYTES];
    new SecureRandom().nextBytes(plaintext);
    byte[] cek = new byte[32];
    new SecureRandom().nextBytes(cek);
    Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
    cipher.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(cek, "AES"),
        new IvParameterSpec(hex(IV)));
    Path object = dir.resolve("object.enc");
    Files.write(object, cipher.doFinal(plaintext));
    catalog = new StubCatalog();
    catalog.object = object;
    catalog.manifest = manifestJson("vorbis-160", "k-1").getBytes(StandardCharsets.UTF_8);
    catalog.key =
        new DeviceKey(
            "t-1",
            "k-1",
            DrmOfflineKeyStoreTest.wrap(cek, deviceStore.deviceIdentity().publicKey()));
  }

  @AfterEach
  void tearDown() {
    deviceStore.close();
  }

  @Test
  void open_availableTrack_readsAndSeeksPlaintext() throws Exception {
    OfflineSource.StoredTrack stored = playback().open("t-1");

    assertThat(stored.manifest().trackId()).isEqualTo("t-1");
    assertThat(stored.rendition().id()).isEqualTo("vorbis-160");
    try (ByteSource source = stored.plaintext()) {
      assertThat(source.length()).isEqualTo(SIZE_BYTES);
      assertThat(readAll(source)).isEqualTo(plaintext);
      source.seek(40_007);
      byte[] tail = readAll(source);
      assertThat(tail).isEqualTo(Arrays.copyOfRange(plaintext, 40_007, SIZE_BYTES));
    }
  }

  @Test
  void open_unavailableTrack_returnsNull() throws Exception {
    catalog.available = false;

    assertThat(playback().open("t-1")).isNull();
  }

  @Test
  void open_noStoredManifest_failsOfflineStorage() {
    catalog.manifest = null;

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_OFFLINE_STORAGE);
  }

  @Test
  void open_manifestWithoutDownloadedRendition_failsOfflineStorage() {
    catalog.manifest = manifestJson("vorbis-96", "k-1").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_OFFLINE_STORAGE);
  }

  @Test
  void open_keyIdDiffersFromManifest_failsOfflineStorage() {
    catalog.manifest = manifestJson("vorbis-160", "k-other").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_OFFLINE_STORAGE);
  }

  @Test
  void open_malformedManifest_failsManifestInvalid() {
    catalog.manifest = "{\"trackId\":".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_MANIFEST_INVALID);
  }

  @Test
  void open_keyWrappedForOtherDevice_failsKeyStore() throws Exception {
    catalog.key = new DeviceKey("t-1", "k-1", new byte[256]);

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_DRM_KEY_STORE);
  }

  @Test
  void open_licenceExpiredMeanwhile_failsOfflineStorage() {
    catalog.getFailure =
        new OfflineException(OfflineException.Reason.LICENCE_EXPIRED, "licence expired");

    assertThatThrownBy(() -> playback().open("t-1"))
        .isInstanceOf(PlaybackException.class)
        .extracting(e -> ((PlaybackException) e).reason())
        .isEqualTo(PlaybackException.ERROR_OFFLINE_STORAGE);
  }

  private OfflinePlayback playback() throws DrmException {
    return new OfflinePlayback(catalog, deviceStore.deviceIdentity());
  }

  private static byte[] readAll(ByteSource source) throws IOException {
    byte[] out = new byte[SIZE_BYTES];
    int count = 0;
    byte[] buffer = new byte[4096];
    int n;
    while ((n = source.read(buffer, 0, buffer.length)) >= 0) {
      System.arraycopy(buffer, 0, out, count, n);
      count += n;
    }
    return Arrays.copyOf(out, count);
  }

  private static String manifestJson(String renditionId, String keyId) {
    return "{\"trackId\":\"t-1\",\"title\":\"T\",\"artist\":\"A\",\"album\":\"B\",\"genre\":\"G\","
        + "\"durationMs\":1000,\"loudness\":{\"integratedLufs\":-14.0,\"truePeakDbtp\":-1.0},"
        + "\"edges\":[\"http://127.0.0.1:9\"],\"renditions\":[{\"id\":\""
        + renditionId
        + "\",\"codec\":\"vorbis\",\"bitrateKbps\":160,\"container\":\"ogg\","
        + "\"sampleRateHz\":48000,\"channels\":2,\"totalFrames\":48000,\"sizeBytes\":"
        + SIZE_BYTES
        + ",\"chunkSizeBytes\":65536,\"chunkSha256\":[\""
        + "0".repeat(64)
        + "\",\""
        + "1".repeat(64)
        + "\"],\"encryption\":{\"scheme\":\"aes-256-ctr\",\"keyId\":\""
        + keyId
        + "\",\"iv\":\""
        + IV
        + "\"},\"objectPath\":\"/objects/t-1/"
        + renditionId
        + "\",\"seekIndex\":[{\"frame\":0,\"byteOffset\":0}]}]}";
  }

  private static byte[] hex(String text) {
    byte[] bytes = new byte[text.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }

  /** Stub catalog with one track, t-1, stored as the downloaded rendition vorbis-160. */
  private static final class StubCatalog implements OfflineCatalog {
    boolean available = true;
    Path object;
    byte[] manifest;
    DeviceKey key;
    OfflineException getFailure;

    @Override
    public boolean isAvailable(String trackId) {
      return available && trackId.equals("t-1");
    }

    @Override
    public List<String> availableTrackIds() {
      return available ? Collections.singletonList("t-1") : Collections.<String>emptyList();
    }

    @Override
    public OfflineTrack getTrack(String trackId) throws OfflineException {
      if (getFailure != null) {
        throw getFailure;
      }
      return new OfflineTrack(
          trackId, "vorbis-160", "k-1", SIZE_BYTES, 65536, Arrays.asList("a", "b"));
    }

    @Override
    public SeekableByteChannel openEncryptedObject(String trackId) throws IOException {
      return Files.newByteChannel(object, StandardOpenOption.READ);
    }

    @Override
    public DeviceKey getKey(String trackId) {
      return key;
    }

    @Override
    public byte[] getManifest(String trackId) {
      return manifest;
    }
  }
}
