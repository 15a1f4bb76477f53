package dev.tonearm.server.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeviceRegistryTest {
  private static String rsa2048;
  private static String otherRsa2048;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(1_800_000_000_000L);

  @BeforeAll
  static void generateKeys() throws Exception {
    rsa2048 = TestKeys.rsaPublicKeyBase64(2048);
    otherRsa2048 = TestKeys.rsaPublicKeyBase64(2048);
  }

  @Test
  void register_listAndDeauthorise() throws Exception {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);

    Device laptop =
        registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", rsa2048, "Laptop"));
    clock.advance(Duration.ofMinutes(1));
    registry.register("u-1", new RegisterDeviceRequest("d-phone-001", otherRsa2048, "Phone"));
    registry.register("u-2", new RegisterDeviceRequest("d-other-001", rsa2048, null));

    assertThat(laptop.registeredAtMs()).isEqualTo(1_800_000_000_000L);
    assertThat(laptop.publicKeySha256()).matches("[0-9a-f]{64}");
    assertThat(registry.list("u-1"))
        .extracting(Device::deviceId)
        .containsExactly("d-laptop-01", "d-phone-001");

    registry.deauthorise("u-1", "d-laptop-01");

    assertThat(registry.list("u-1")).extracting(Device::deviceId).containsExactly("d-phone-001");
    assertThat(registry.find("d-laptop-01")).isEmpty();
  }

  @Test
  void reRegister_replacesKeyKeepsTime() throws Exception {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 1);
    Device first = registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", rsa2048, "A"));
    clock.advance(Duration.ofDays(1));

    Device second =
        registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", otherRsa2048, "B"));

    assertThat(second.registeredAtMs()).isEqualTo(first.registeredAtMs());
    assertThat(second.publicKey()).isEqualTo(otherRsa2048);
    assertThat(registry.list("u-1")).hasSize(1);
  }

  @Test
  void deviceIdOfAnotherAccount_isNotOwned() throws Exception {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);
    registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", rsa2048, ""));

    assertThatThrownBy(
            () ->
                registry.register(
                    "u-2", new RegisterDeviceRequest("d-laptop-01", otherRsa2048, "")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_OWNED));
    assertThatThrownBy(() -> registry.deauthorise("u-2", "d-laptop-01"))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_OWNED));
    assertThat(registry.find("d-laptop-01").orElseThrow().publicKey()).isEqualTo(rsa2048);
  }

  @Test
  void deauthoriseUnknownDevice_isNotFound() {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);

    assertThatThrownBy(() -> registry.deauthorise("u-1", "d-missing-1"))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_NOT_FOUND));
  }

  @Test
  void sixthDevice_failsWithLimitReached() throws Exception {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);
    for (int i = 0; i < 5; i++) {
      registry.register("u-1", new RegisterDeviceRequest("d-device-0" + i, rsa2048, ""));
    }

    assertThatThrownBy(
            () -> registry.register("u-1", new RegisterDeviceRequest("d-device-05", rsa2048, "")))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.DEVICE_LIMIT_REACHED));
  }

  @Test
  void invalidPublicKeys_areRejected() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    String[] invalid = {
      null,
      "",
      "not base64!",
      Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
      Base64.getEncoder().encodeToString(ec.generateKeyPair().getPublic().getEncoded()),
      TestKeys.rsaPublicKeyBase64(1024),
      "A".repeat(5000)
    };
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);

    for (String key : invalid) {
      assertThatThrownBy(
              () -> registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", key, "")))
          .as("key %s", key == null ? null : key.substring(0, Math.min(20, key.length())))
          .isInstanceOfSatisfying(
              DrmServiceException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.INVALID_PUBLIC_KEY));
    }
  }

  @Test
  void invalidDeviceIdOrName_isInvalidRequest() {
    FileDeviceRegistry registry = FileDeviceRegistry.inMemory(clock, 5);
    RegisterDeviceRequest[] requests = {
      new RegisterDeviceRequest(null, rsa2048, ""),
      new RegisterDeviceRequest("short", rsa2048, ""),
      new RegisterDeviceRequest("d-../../etc", rsa2048, ""),
      new RegisterDeviceRequest("d-" + "x".repeat(70), rsa2048, ""),
      new RegisterDeviceRequest("d-laptop-01", rsa2048, "n".repeat(101)),
      new RegisterDeviceRequest("d-laptop-01", rsa2048, "Kitchen\u0000"),
      new RegisterDeviceRequest("d-laptop-01", rsa2048, "Living\nroom"),
      new RegisterDeviceRequest("d-laptop-01", rsa2048, "Phone \u202Egnp.exe"),
      new RegisterDeviceRequest("d-laptop-01", rsa2048, "Tablet\u2066x\u2069")
    };

    for (RegisterDeviceRequest request : requests) {
      assertThatThrownBy(() -> registry.register("u-1", request))
          .as("request %s named %s", request.deviceId(), request.name())
          .isInstanceOfSatisfying(
              DrmServiceException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.INVALID_REQUEST));
    }
  }

  @Test
  void fileRegistry_persistsAcrossReopen() throws Exception {
    Path file = dir.resolve("state").resolve("devices.json");
    FileDeviceRegistry registry = FileDeviceRegistry.open(file, clock, 5);
    registry.register("u-1", new RegisterDeviceRequest("d-laptop-01", rsa2048, "Laptop"));
    registry.register("u-1", new RegisterDeviceRequest("d-phone-001", otherRsa2048, "Phone"));
    registry.deauthorise("u-1", "d-phone-001");

    FileDeviceRegistry reopened = FileDeviceRegistry.open(file, clock, 5);

    assertThat(reopened.list("u-1")).extracting(Device::name).containsExactly("Laptop");
    assertThat(reopened.find("d-laptop-01").orElseThrow().publicKey()).isEqualTo(rsa2048);
  }

  @Test
  void corruptRegistryFile_failsWithStorageFailed() throws Exception {
    Path file = dir.resolve("devices.json");
    Files.writeString(file, "{\"devices\":[{\"deviceId\":");

    assertThatThrownBy(() -> FileDeviceRegistry.open(file, clock, 5))
        .isInstanceOfSatisfying(
            DrmServiceException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmServiceException.Reason.STORAGE_FAILED));
  }
}
