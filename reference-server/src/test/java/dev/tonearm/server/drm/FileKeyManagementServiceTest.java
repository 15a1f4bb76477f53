package dev.tonearm.server.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyManagementServiceTest {
  @TempDir Path dir;

  @Test
  void firstStart_createsOwnerOnlyKeyFiles() throws Exception {
    FileKeyManagementService.open(dir.resolve("kms"));

    for (String name : new String[] {"master.key", "signing.key"}) {
      Path file = dir.resolve("kms").resolve(name);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as(name)
          .isEqualTo("rw-------");
      assertThat(Files.size(file)).isEqualTo(37);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("kms"))))
        .isEqualTo("rwx------");
  }

  @Test
  void contentKey_survivesRestartWithSameMasterKey() throws Exception {
    FileKeyManagementService first = FileKeyManagementService.open(dir);
    String keyId;
    byte[] keyBytes;
    try (ContentKey key = first.createContentKey()) {
      keyId = key.keyId();
      keyBytes = key.keyBytes();
    }

    FileKeyManagementService restarted = FileKeyManagementService.open(dir);

    try (ContentKey loaded = restarted.contentKey(keyId)) {
      assertThat(loaded.keyBytes()).isEqualTo(keyBytes);
    }
    assertThat(restarted.signingKey()).isEqualTo(first.signingKey());
    assertThat(keyId).matches("k-[0-9a-f]{32}");
  }

  @Test
  void wrappedKeyFile_hidesPlainKey() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    try (ContentKey key = kms.createContentKey()) {
      byte[] file = Files.readAllBytes(kms.wrappedKeyPath(key.keyId()));
      String fileHex = HexFormat.of().formatHex(file);

      assertThat(file).hasSize(65);
      assertThat(fileHex).doesNotContain(HexFormat.of().formatHex(key.keyBytes(), 0, 8));
    }
  }

  @Test
  void worldReadableMasterKey_isRejected() throws Exception {
    FileKeyManagementService.open(dir);
    Path master = dir.resolve("master.key");
    Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> FileKeyManagementService.open(dir))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_INSECURE);
              assertThat(e.getMessage()).contains(master.toString(), "rw-r--r--", "chmod 600");
            });
  }

  @Test
  void groupReadableSigningKey_isRejected() throws Exception {
    FileKeyManagementService.open(dir);
    Files.setPosixFilePermissions(
        dir.resolve("signing.key"), PosixFilePermissions.fromString("rw-r-----"));

    assertThatThrownBy(() -> FileKeyManagementService.open(dir))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_INSECURE));
  }

  @Test
  void truncatedMasterKey_isRejectedAsCorrupt() throws Exception {
    FileKeyManagementService.open(dir);
    Path master = dir.resolve("master.key");
    Files.write(master, new byte[] {'T', 'A', 'M', 'K', 1, 2, 3});

    assertThatThrownBy(() -> FileKeyManagementService.open(dir))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_CORRUPT));
  }

  @Test
  void malformedKeyId_isUnknownKey() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);

    for (String keyId :
        new String[] {"k-00000000000000000000000000000000", "../master", "", null}) {
      assertThatThrownBy(() -> kms.contentKey(keyId))
          .as("key id %s", keyId)
          .isInstanceOfSatisfying(
              DrmServiceException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.UNKNOWN_KEY));
    }
  }

  @Test
  void tamperedWrappedKey_failsAuthentication() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    String keyId;
    try (ContentKey key = kms.createContentKey()) {
      keyId = key.keyId();
    }
    Path file = kms.wrappedKeyPath(keyId);
    byte[] bytes = Files.readAllBytes(file);
    bytes[30] ^= 0x01;
    Files.write(file, bytes);

    assertThatThrownBy(() -> kms.contentKey(keyId))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_CORRUPT));
  }

  @Test
  void wrappedKeyRenamedToAnotherId_failsAuthentication() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    String first;
    String second;
    try (ContentKey a = kms.createContentKey();
        ContentKey b = kms.createContentKey()) {
      first = a.keyId();
      second = b.keyId();
    }
    Files.copy(
        kms.wrappedKeyPath(first),
        kms.wrappedKeyPath(second),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> kms.contentKey(second))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_CORRUPT));
  }

  @Test
  void keyWrappedUnderAnotherMasterKey_failsAuthentication() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir.resolve("one"));
    FileKeyManagementService other = FileKeyManagementService.open(dir.resolve("two"));
    String keyId;
    try (ContentKey key = kms.createContentKey()) {
      keyId = key.keyId();
    }
    Files.copy(kms.wrappedKeyPath(keyId), other.wrappedKeyPath(keyId));

    assertThatThrownBy(() -> other.contentKey(keyId))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.KEY_FILE_CORRUPT));
  }

  @Test
  void deleteContentKey_removesIt() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    String keyId;
    try (ContentKey key = kms.createContentKey()) {
      keyId = key.keyId();
    }

    assertThat(kms.deleteContentKey(keyId)).isTrue();
    assertThat(kms.hasContentKey(keyId)).isFalse();
    assertThat(kms.deleteContentKey(keyId)).isFalse();
  }

  @Test
  void sign_producesSignatureThatJdkEd25519Verifies() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    byte[] message = "licence bytes".getBytes(StandardCharsets.UTF_8);

    byte[] signature = kms.sign(message);

    byte[] raw = Base64.getDecoder().decode(kms.signingKey().publicKey());
    // SubjectPublicKeyInfo prefix for Ed25519 (RFC 8410), then the 32-byte raw key.
    byte[] spki =
        HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(raw));
    PublicKey publicKey =
        KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertThat(verifier.verify(signature)).isTrue();
    assertThat(kms.signingKey().keyId()).matches("sk-[0-9a-f]{16}");
  }

  @Test
  void contentKey_closeAndToString_hideBytes() throws Exception {
    FileKeyManagementService kms = FileKeyManagementService.open(dir);
    ContentKey key = kms.createContentKey();
    String hex = HexFormat.of().formatHex(key.keyBytes());

    assertThat(key.toString()).doesNotContain(hex).contains(key.keyId());
    key.close();
    assertThatThrownBy(key::keyBytes).isInstanceOf(IllegalStateException.class);
  }
}
