package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.EncryptedObject;
import dev.tonearm.server.drm.LicenceRequest;
import dev.tonearm.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole flow, success and failure paths, on both sides, then searches every log line
 * (recorded at all levels by {@link RecordingLogs}), every exception message and stack trace, and
 * every {@code toString} for any encoding of any key.
 */
class KeyMaterialLeakTest {
  @TempDir Path dir;

  private final List<String> texts = new ArrayList<>();

  @Test
  void keyMaterial_absentFromAllOutput() throws Exception {
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    try (DrmFixture fixture = new DrmFixture(dir)) {
      DeviceKeyStore storeA = fixture.openStore("device-a");
      fixture.registerOnServer(DrmFixture.ALICE, storeA);
      String deviceId = storeA.deviceIdentity().deviceId();
      Path source = Corpus.require("music/singularity-apex-aleph.ogg");

      EncryptedObject object;
      try (dev.tonearm.server.drm.ContentKey cek = fixture.kms.createContentKey()) {
        secrets.put("content key", cek.keyBytes());
        object = new ContentEncryptor().encrypt(source, dir.resolve("obj.enc"), cek, 262_144);
        remember(cek);
      }
      String keyId = object.encryption().keyId();
      remember(object, fixture.kms, fixture.registry.list(DrmFixture.ALICE));

      // Success path: licence, unwrap, store, decrypt.
      dev.tonearm.server.drm.SignedLicence licence =
          fixture.stubLicence(DrmFixture.ALICE, deviceId, List.of(keyId), "streaming");
      LicenceManager manager = fixture.manager(storeA);
      List<Licence> licences = manager.acquireKeys(List.of(keyId), LicencePurpose.STREAMING);
      ContentKey stored = storeA.contentKey(keyId);
      assertThat(stored.keyBytes()).isEqualTo(secrets.get("content key"));
      try (DecryptingByteSource plain =
          manager.openDecrypting(
              new FileByteSource(dir.resolve("obj.enc")), keyId, object.encryption().iv())) {
        byte[] head = new byte[4];
        assertThat(plain.read(head, 0, 4)).isEqualTo(4);
        assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("OggS");
        remember(plain, manager, licences, licences.get(0).keys(), stored, storeA);
      }
      remember(
          licence, storeA.deviceIdentity(), manager.decryptor(keyId, object.encryption().iv()));

      // Failure paths on both sides.
      try (DeviceKeyStore storeB = fixture.openStore("device-b")) {
        expectFailure(
            () -> fixture.manager(storeB).acquireKeys(List.of(keyId), LicencePurpose.STREAMING));
        byte[] wrappedForA = licences.get(0).keys().get(0).wrappedKey();
        expectFailure(() -> storeB.deviceIdentity().unwrapContentKey(keyId, wrappedForA, 1L));
        remember(storeB);
      }
      expectFailure(
          () ->
              fixture.licences.issue(
                  DrmFixture.BOB, new LicenceRequest(deviceId, List.of(keyId), "streaming")));
      expectFailure(
          () ->
              fixture.licences.issue(
                  DrmFixture.ALICE, new LicenceRequest(deviceId, List.of("k-missing"), "offline")));
      Path keyFile = dir.resolve("server-keys").resolve("keys").resolve(keyId + ".cek");
      byte[] wrappedOnDisk = Files.readAllBytes(keyFile);
      byte[] damaged = wrappedOnDisk.clone();
      damaged[damaged.length - 1] ^= 1;
      Files.write(keyFile, damaged);
      expectFailure(() -> fixture.kms.contentKey(keyId));
      Files.write(keyFile, wrappedOnDisk);

      fixture.deviceClock.advance(Duration.ofDays(2));
      expectFailure(() -> storeA.contentKey(keyId));
      expectFailure(() -> manager.openDecrypting(new FileByteSource(source), keyId, "00"));
      storeA.close();

      Path storeFile = dir.resolve("device-device-a").resolve("keys.tks");
      byte[] storeBytes = Files.readAllBytes(storeFile);
      expectFailure(
          () ->
              DeviceKeyStore.builder(
                      new FileKeyStorage(storeFile),
                      () -> "machine-id:other".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                      DrmFixture.APP_SIGNATURE)
                  .open());
      byte[] flipped = storeBytes.clone();
      flipped[200] ^= 4;
      Files.write(storeFile, flipped);
      expectFailure(() -> fixture.openStore("device-a"));
      Files.write(storeFile, storeBytes);

      // Collect every secret: server master and signing keys, the device private key and the
      // derived key store key.
      Path serverKeys = dir.resolve("server-keys");
      secrets.put(
          "master key",
          Arrays.copyOfRange(Files.readAllBytes(serverKeys.resolve("master.key")), 5, 37));
      secrets.put(
          "signing key seed",
          Arrays.copyOfRange(Files.readAllBytes(serverKeys.resolve("signing.key")), 5, 37));
      try (DeviceKeyStore reopened = fixture.openStore("device-a")) {
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) reopened.deviceIdentity().privateKey();
        secrets.put("device private key PKCS#8", privateKey.getEncoded());
        secrets.put("device private exponent", unsigned(privateKey.getPrivateExponent()));
        secrets.put("device prime p", unsigned(privateKey.getPrimeP()));
        secrets.put("device prime q", unsigned(privateKey.getPrimeQ()));
      }
      byte[] salt = Arrays.copyOfRange(storeBytes, 5, 5 + DeviceKeyStore.SALT_LENGTH_BYTES);
      secrets.put(
          "key store key",
          DeviceKeyStore.deriveStoreKey(
              "machine-id:device-a".getBytes(java.nio.charset.StandardCharsets.UTF_8),
              DrmFixture.APP_SIGNATURE,
              salt));
    }

    List<String> logLines = RecordingLogs.lines();
    assertThat(logLines).as("recorded log lines").isNotEmpty();
    assertThat(String.join("\n", logLines)).contains("Stored 1 content keys", "Issued streaming");
    texts.addAll(logLines);
    assertThat(texts.size()).isGreaterThan(20);
    for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
      for (String encoding : encodings(secret.getValue())) {
        for (String text : texts) {
          assertThat(text)
              .as("%s must not appear in output", secret.getKey())
              .doesNotContain(encoding);
        }
      }
    }
  }

  private void remember(Object... objects) {
    for (Object object : objects) {
      texts.add(String.valueOf(object));
    }
  }

  private void expectFailure(ThrowingRunnable action) {
    try {
      action.run();
    } catch (DrmException | DrmServiceException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      texts.add(e.toString());
      texts.add(trace.toString());
      return;
    } catch (Exception e) {
      throw new AssertionError("unexpected exception type", e);
    }
    throw new AssertionError("expected a DRM failure");
  }

  /** Hex (both cases), base64 (standard, URL-safe, unpadded) and every 8-byte window in hex. */
  private static List<String> encodings(byte[] secret) {
    List<String> encodings = new ArrayList<>();
    String hex = Hex.encode(secret);
    encodings.add(hex);
    encodings.add(hex.toUpperCase(Locale.ROOT));
    encodings.add(Base64.getEncoder().encodeToString(secret));
    encodings.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    encodings.add(Base64.getEncoder().withoutPadding().encodeToString(secret));
    encodings.add(Arrays.toString(secret));
    for (int i = 0; i + 8 <= secret.length; i++) {
      String window = Hex.encode(secret, i, 8);
      encodings.add(window);
      encodings.add(window.toUpperCase(Locale.ROOT));
    }
    return encodings;
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
