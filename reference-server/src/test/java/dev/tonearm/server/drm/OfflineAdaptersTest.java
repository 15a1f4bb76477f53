package dev.tonearm.server.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.catalog.CatalogObjectLocator;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.catalog.Loudness;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.SeekPoint;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.offline.KeyIssuer.KeyIssueException;
import dev.tonearm.server.offline.OfflineObject;
import dev.tonearm.server.offline.WrappedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classes that back the offline service in the server: {@link CatalogObjectLocator} over a
 * real file catalog, and {@link DeviceKeyIssuer} and {@link RegistryDeviceDirectory} over the real
 * file KMS and device registry with real RSA-OAEP.
 */
class OfflineAdaptersTest {
  private static final List<String> EDGES =
      List.of("http://127.0.0.1:7001", "http://127.0.0.1:7002");

  @TempDir Path dir;
  private FileCatalogRepository catalog;
  private FileKeyManagementService keys;
  private FileDeviceRegistry devices;
  private KeyPair deviceKeys;
  private String keyId;

  @BeforeEach
  void setUp() throws Exception {
    catalog =
        new FileCatalogRepository(
            Files.createDirectories(dir.resolve("tracks")),
            Files.createDirectories(dir.resolve("playlists")));
    keys = FileKeyManagementService.open(dir.resolve("kms"));
    devices = FileDeviceRegistry.open(dir.resolve("devices.json"), new MutableClock(1_000), 5);
    deviceKeys = TestKeys.rsa(2048);
    devices.register(
        "u-1", new RegisterDeviceRequest("d-phone-01", TestKeys.base64(deviceKeys), "Phone"));
    try (ContentKey key = keys.createContentKey()) {
      keyId = key.keyId();
    }
    catalog.saveTrack(
        track(
            "t-mixed",
            rendition("vorbis-96", "vorbis", 96, keyId),
            rendition("vorbis-160", "vorbis", 160, keyId),
            rendition("flac", "flac", 900, keyId)));
    catalog.saveTrack(track("t-flac", rendition("flac", "flac", 900, keyId)));
    catalog.saveTrack(track("t-plain", rendition("vorbis-160", "vorbis", 160, null)));
  }

  @Test
  void locator_prefersHighestVorbisOverFlac() {
    OfflineObject object = locator().locate("t-mixed").orElseThrow();

    assertThat(object.renditionId()).isEqualTo("vorbis-160");
    assertThat(object.keyId()).isEqualTo(keyId);
    assertThat(object.urls())
        .containsExactly(
            "http://127.0.0.1:7001/objects/t-mixed/vorbis-160",
            "http://127.0.0.1:7002/objects/t-mixed/vorbis-160");
    assertThat(object.sizeBytes()).isEqualTo(300_000);
    assertThat(object.chunkSizeBytes()).isEqualTo(262_144);
    assertThat(object.chunkSha256()).hasSize(2);
  }

  @Test
  void locator_noVorbis_usesOtherEncryptedRendition() {
    assertThat(locator().locate("t-flac").orElseThrow().renditionId()).isEqualTo("flac");
  }

  @Test
  void locator_plainOrUnknownTrack_notFound() {
    assertThat(locator().locate("t-plain")).isEmpty();
    assertThat(locator().locate("t-missing")).isEmpty();
  }

  @Test
  void keyIssuer_wrapsKmsKeyForDevice() throws Exception {
    List<WrappedKey> wrapped =
        issuer().wrapKeys("u-1", "d-phone-01", List.of("t-mixed", "t-flac"));

    assertThat(wrapped).extracting(WrappedKey::trackId).containsExactly("t-mixed", "t-flac");
    assertThat(wrapped).extracting(WrappedKey::keyId).containsOnly(keyId);
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        deviceKeys.getPrivate(),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    try (ContentKey key = keys.contentKey(keyId)) {
      assertThat(cipher.doFinal(wrapped.get(0).wrappedKey())).isEqualTo(key.keyBytes());
    }
  }

  @Test
  void keyIssuer_deviceOfOtherAccount_fails() {
    assertThatThrownBy(() -> issuer().wrapKeys("u-2", "d-phone-01", List.of("t-mixed")))
        .isInstanceOf(KeyIssueException.class)
        .hasMessageContaining("d-phone-01");
  }

  @Test
  void keyIssuer_trackNotLocated_fails() {
    assertThatThrownBy(() -> issuer().wrapKeys("u-1", "d-phone-01", List.of("t-plain")))
        .isInstanceOf(KeyIssueException.class)
        .hasMessageContaining("t-plain");
  }

  @Test
  void keyIssuer_keyMissingFromKms_fails() throws Exception {
    keys.deleteContentKey(keyId);

    assertThatThrownBy(() -> issuer().wrapKeys("u-1", "d-phone-01", List.of("t-mixed")))
        .isInstanceOf(KeyIssueException.class)
        .hasMessageContaining(keyId);
  }

  @Test
  void deviceDirectory_listsRegisteredDevicesOfAccount() {
    RegistryDeviceDirectory directory = new RegistryDeviceDirectory(devices);

    assertThat(directory.deviceIdsOf("u-1")).containsExactly("d-phone-01");
    assertThat(directory.deviceIdsOf("u-2")).isEmpty();
  }

  private CatalogObjectLocator locator() {
    return new CatalogObjectLocator(catalog, () -> EDGES);
  }

  private DeviceKeyIssuer issuer() {
    return new DeviceKeyIssuer(keys, devices, locator());
  }

  private static Track track(String id, Rendition... renditions) {
    return new Track(
        id,
        "Title",
        "Artist",
        "Album",
        "Genre",
        10_000,
        new Loudness(-14.0, -1.0),
        List.of(renditions),
        "ogg-vorbis",
        id + ".ogg",
        List.of(),
        1_000);
  }

  private static Rendition rendition(String id, String codec, int bitrateKbps, String keyId) {
    EncryptionInfo encryption =
        keyId == null
            ? null
            : new EncryptionInfo(
                EncryptionInfo.SCHEME_AES_256_CTR, keyId, "000102030405060708090a0b0c0d0e0f");
    return new Rendition(
        id,
        codec,
        bitrateKbps,
        codec.equals("flac") ? "flac" : "ogg",
        48_000,
        2,
        480_000,
        300_000,
        262_144,
        List.of("a".repeat(64), "b".repeat(64)),
        "c".repeat(64),
        encryption,
        false,
        List.of(new SeekPoint(0, 0)));
  }
}
