package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopHardwareIdentityTest {
  @TempDir Path dir;

  @Test
  void machineIdFile_isUsedWithItsSource() throws Exception {
    Path machineId = dir.resolve("machine-id");
    Files.write(machineId, "0123456789abcdef0123456789abcdef\n".getBytes(StandardCharsets.UTF_8));
    DesktopHardwareIdentity identity =
        new DesktopHardwareIdentity(Collections.singletonList(machineId), dir.resolve("fallback"));

    assertThat(new String(identity.hardwareId(), StandardCharsets.UTF_8))
        .isEqualTo("machine-id:0123456789abcdef0123456789abcdef");
    assertThat(dir.resolve("fallback")).doesNotExist();
  }

  @Test
  void missingMachineId_usesGeneratedId() throws Exception {
    Path invalid = dir.resolve("machine-id");
    Files.write(invalid, "not-a-machine-id".getBytes(StandardCharsets.UTF_8));
    Path fallback = dir.resolve("home").resolve(".tonearm").resolve("hardware-id");
    DesktopHardwareIdentity identity =
        new DesktopHardwareIdentity(Arrays.asList(invalid, dir.resolve("absent")), fallback);

    byte[] first = identity.hardwareId();
    byte[] second =
        new DesktopHardwareIdentity(Arrays.asList(invalid, dir.resolve("absent")), fallback)
            .hardwareId();

    assertThat(new String(first, StandardCharsets.UTF_8)).matches("generated:[0-9a-f]{64}");
    assertThat(second).isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fallback)))
        .isEqualTo("rw-------");
  }

  @Test
  void unreadableFallbackLocation_failsWithHardwareIdUnavailable() throws Exception {
    Path blocker = dir.resolve("blocker");
    Files.write(blocker, new byte[] {1});
    DesktopHardwareIdentity identity =
        new DesktopHardwareIdentity(
            Collections.singletonList(dir.resolve("absent")), blocker.resolve("hardware-id"));

    assertThatThrownBy(identity::hardwareId)
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_HARDWARE_ID_UNAVAILABLE));
  }

  @Test
  void keyStore_otherMachineId_mismatch() throws Exception {
    Path machineId = dir.resolve("machine-id");
    Files.write(machineId, "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    Path otherMachineId = dir.resolve("other-machine-id");
    Files.write(
        otherMachineId, "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));
    FileKeyStorage storage = new FileKeyStorage(dir.resolve("keys.tks"));
    byte[] app = "app".getBytes(StandardCharsets.UTF_8);
    HardwareIdentity here =
        new DesktopHardwareIdentity(Collections.singletonList(machineId), dir.resolve("f"));
    HardwareIdentity elsewhere =
        new DesktopHardwareIdentity(Collections.singletonList(otherMachineId), dir.resolve("f"));
    String deviceId;
    try (DeviceKeyStore store = DeviceKeyStore.builder(storage, here, app).open()) {
      deviceId = store.deviceIdentity().deviceId();
    }

    try (DeviceKeyStore reopened = DeviceKeyStore.builder(storage, here, app).open()) {
      assertThat(reopened.deviceIdentity().deviceId()).isEqualTo(deviceId);
    }
    assertThatThrownBy(() -> DeviceKeyStore.builder(storage, elsewhere, app).open())
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_KEY_STORE_DEVICE_MISMATCH));
  }
}
