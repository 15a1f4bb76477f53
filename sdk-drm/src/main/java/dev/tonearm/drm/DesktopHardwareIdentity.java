package dev.tonearm.drm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Desktop default {@link HardwareIdentity}: the systemd machine id, else a random id generated once
 * in the user's home.
 *
 * <p>It reads the first of {@code /etc/machine-id} and {@code /var/lib/dbus/machine-id} that
 * contains a 32-hex-digit id. Where neither exists (macOS, Windows, containers), it uses {@code
 * ~/.tonearm/hardware-id}, creating it with 32 random bytes ({@code rw-------} where POSIX
 * permissions exist). The id in use is prefixed with its source, so switching sources counts as
 * another device.
 *
 * <p>What this does not protect against: the machine id is readable by every local user and
 * process, so root, or any process of the same user, can read it together with the key store and
 * the app signature and so decrypt the key store. A copy of the home directory taken together with
 * {@code /etc/machine-id} (a full disk image, a cloned virtual machine) opens on another machine.
 * It stops a key store copied alone to another machine or user account. Thread-safe.
 */
public final class DesktopHardwareIdentity implements HardwareIdentity {
  /** Machine id files read by the default instance, in order. */
  public static final List<Path> DEFAULT_MACHINE_ID_FILES =
      Collections.unmodifiableList(
          Arrays.asList(Paths.get("/etc/machine-id"), Paths.get("/var/lib/dbus/machine-id")));

  private static final int GENERATED_ID_LENGTH_BYTES = 32;
  private static final int MAX_ID_FILE_SIZE_BYTES = 4096;

  private final List<Path> machineIdFiles;
  private final Path fallbackIdFile;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param machineIdFiles files to try in order for a 32-hex-digit machine id
   * @param fallbackIdFile file that contains the generated id when no machine id file exists
   */
  public DesktopHardwareIdentity(List<Path> machineIdFiles, Path fallbackIdFile) {
    this.machineIdFiles = Collections.unmodifiableList(new ArrayList<>(machineIdFiles));
    this.fallbackIdFile = fallbackIdFile;
  }

  /**
   * Creates the default: {@link #DEFAULT_MACHINE_ID_FILES}, then {@code ~/.tonearm/hardware-id}.
   */
  public static DesktopHardwareIdentity createDefault() {
    Path home = Paths.get(System.getProperty("user.home"));
    return new DesktopHardwareIdentity(
        DEFAULT_MACHINE_ID_FILES, home.resolve(".tonearm").resolve("hardware-id"));
  }

  @Override
  public synchronized byte[] hardwareId() throws DrmException {
    for (Path file : machineIdFiles) {
      String id = readSmallFile(file);
      if (id != null && isMachineId(id.trim())) {
        return ("machine-id:" + id.trim()).getBytes(StandardCharsets.UTF_8);
      }
    }
    String generated = readSmallFile(fallbackIdFile);
    if (generated == null || generated.trim().isEmpty()) {
      byte[] bytes = new byte[GENERATED_ID_LENGTH_BYTES];
      random.nextBytes(bytes);
      generated = Hex.encode(bytes);
      try {
        AtomicFiles.write(fallbackIdFile, generated.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new DrmException(
            DrmException.ERROR_HARDWARE_ID_UNAVAILABLE,
            "cannot create the hardware id file " + fallbackIdFile,
            e);
      }
    }
    return ("generated:" + generated.trim()).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isMachineId(String text) {
    return text.length() == 32 && Hex.decode(text) != null;
  }

  private static String readSmallFile(Path file) throws DrmException {
    try {
      if (Files.size(file) > MAX_ID_FILE_SIZE_BYTES) {
        return null;
      }
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new DrmException(
          DrmException.ERROR_HARDWARE_ID_UNAVAILABLE, "cannot read hardware id file " + file, e);
    }
  }

  @Override
  public String toString() {
    return "DesktopHardwareIdentity{machineIdFiles="
        + machineIdFiles
        + ", fallbackIdFile="
        + fallbackIdFile
        + "}";
  }
}
