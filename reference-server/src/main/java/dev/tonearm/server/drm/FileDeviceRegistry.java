package dev.tonearm.server.drm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeviceRegistry} kept in memory and, when given a file, saved to it as JSON ({@code
 * {"devices":[...]}}) after every change, replacing the file atomically.
 *
 * <p>Thread-safe: every method synchronizes on the instance.
 */
public final class FileDeviceRegistry implements DeviceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(FileDeviceRegistry.class);

  static final int MIN_KEY_SIZE_BITS = 2048;
  static final int MAX_KEY_SIZE_BITS = 4096;
  static final int MAX_PUBLIC_KEY_BASE64_CHARS = 1024;
  static final int MAX_NAME_CHARS = 100;
  static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private final int maxDevicesPerAccount;

  // Guarded by this.
  private final Map<String, Device> devicesById = new LinkedHashMap<>();

  private FileDeviceRegistry(Path file, Clock clock, int maxDevicesPerAccount) {
    if (maxDevicesPerAccount <= 0) {
      throw new IllegalArgumentException(
          "maxDevicesPerAccount must be > 0: " + maxDevicesPerAccount);
    }
    this.file = file;
    this.clock = clock;
    this.maxDevicesPerAccount = maxDevicesPerAccount;
  }

  /** Creates a registry that is lost when the process ends. */
  public static FileDeviceRegistry inMemory(Clock clock, int maxDevicesPerAccount) {
    return new FileDeviceRegistry(null, clock, maxDevicesPerAccount);
  }

  /**
   * Opens the registry saved in {@code file}, or an empty one if the file does not exist yet.
   *
   * @throws DrmServiceException {@code STORAGE_FAILED} if the file cannot be read or parsed
   */
  public static FileDeviceRegistry open(Path file, Clock clock, int maxDevicesPerAccount)
      throws DrmServiceException {
    FileDeviceRegistry registry = new FileDeviceRegistry(file, clock, maxDevicesPerAccount);
    if (Files.exists(file)) {
      try {
        DeviceList saved = JSON.readValue(file.toFile(), DeviceList.class);
        for (Device device : saved.devices()) {
          registry.devicesById.put(device.deviceId(), device);
        }
      } catch (IOException | RuntimeException e) {
        throw new DrmServiceException(
            DrmServiceException.Reason.STORAGE_FAILED, "cannot read device registry " + file, e);
      }
    }
    return registry;
  }

  @Override
  public synchronized Device register(String accountId, RegisterDeviceRequest request)
      throws DrmServiceException {
    requireAccount(accountId);
    if (request == null) {
      throw invalid("request body is missing");
    }
    String deviceId = request.deviceId();
    if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
      throw invalid("deviceId must be 8 to 64 characters from [A-Za-z0-9_-]: " + deviceId);
    }
    String name = request.name() == null ? "" : request.name();
    if (name.length() > MAX_NAME_CHARS) {
      throw invalid("name must be at most " + MAX_NAME_CHARS + " characters: " + name.length());
    }
    int badIndex = firstControlCharIndex(name);
    if (badIndex >= 0) {
      throw invalid(
          String.format(
              "name must not contain control or bidirectional formatting characters:"
                  + " U+%04X at index %d",
              (int) name.charAt(badIndex), badIndex));
    }
    byte[] spki = parseRsaPublicKey(request.publicKey());

    Device existing = devicesById.get(deviceId);
    if (existing != null && !existing.accountId().equals(accountId)) {
      throw new DrmServiceException(
          DrmServiceException.Reason.DEVICE_NOT_OWNED,
          "device " + deviceId + " is registered to another account");
    }
    if (existing == null && countDevices(accountId) >= maxDevicesPerAccount) {
      throw new DrmServiceException(
          DrmServiceException.Reason.DEVICE_LIMIT_REACHED,
          "account "
              + accountId
              + " already has "
              + maxDevicesPerAccount
              + " devices; deauthorise one before registering "
              + deviceId);
    }
    long registeredAtMs = existing == null ? clock.millis() : existing.registeredAtMs();
    Device device =
        new Device(
            deviceId,
            accountId,
            name,
            Base64.getEncoder().encodeToString(spki),
            sha256Hex(spki),
            registeredAtMs);
    devicesById.put(deviceId, device);
    save(existing, deviceId);
    LOG.info(
        "{} device {} for account {} (key SHA-256 {})",
        existing == null ? "Registered" : "Re-registered",
        deviceId,
        accountId,
        device.publicKeySha256());
    return device;
  }

  @Override
  public synchronized List<Device> list(String accountId) {
    List<Device> result = new ArrayList<>();
    for (Device device : devicesById.values()) {
      if (device.accountId().equals(accountId)) {
        result.add(device);
      }
    }
    result.sort(Comparator.comparingLong(Device::registeredAtMs));
    return result;
  }

  @Override
  public synchronized Optional<Device> find(String deviceId) {
    return Optional.ofNullable(devicesById.get(deviceId));
  }

  @Override
  public synchronized void deauthorise(String accountId, String deviceId)
      throws DrmServiceException {
    requireAccount(accountId);
    Device existing = devicesById.get(deviceId);
    if (existing == null) {
      throw new DrmServiceException(
          DrmServiceException.Reason.DEVICE_NOT_FOUND, "device not found: " + deviceId);
    }
    if (!existing.accountId().equals(accountId)) {
      throw new DrmServiceException(
          DrmServiceException.Reason.DEVICE_NOT_OWNED,
          "device " + deviceId + " is registered to another account");
    }
    devicesById.remove(deviceId);
    save(existing, deviceId);
    LOG.info("Deauthorised device {} of account {}", deviceId, accountId);
  }

  /**
   * Decodes and checks a base64 SubjectPublicKeyInfo; returns its DER bytes.
   *
   * @throws DrmServiceException {@code INVALID_PUBLIC_KEY} unless it is an RSA key of 2048 to 4096
   *     bits
   */
  static byte[] parseRsaPublicKey(String base64) throws DrmServiceException {
    if (base64 == null || base64.isEmpty()) {
      throw new DrmServiceException(
          DrmServiceException.Reason.INVALID_PUBLIC_KEY, "publicKey is missing");
    }
    if (base64.length() > MAX_PUBLIC_KEY_BASE64_CHARS) {
      throw new DrmServiceException(
          DrmServiceException.Reason.INVALID_PUBLIC_KEY,
          "publicKey must be at most "
              + MAX_PUBLIC_KEY_BASE64_CHARS
              + " base64 characters: "
              + base64.length());
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.INVALID_PUBLIC_KEY, "publicKey is not valid base64", e);
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.INVALID_PUBLIC_KEY,
          "publicKey is not a DER SubjectPublicKeyInfo of an RSA key",
          e);
    }
    BigInteger modulus = ((RSAPublicKey) key).getModulus();
    int bits = modulus.bitLength();
    if (bits < MIN_KEY_SIZE_BITS || bits > MAX_KEY_SIZE_BITS) {
      throw new DrmServiceException(
          DrmServiceException.Reason.INVALID_PUBLIC_KEY,
          "RSA key size must be "
              + MIN_KEY_SIZE_BITS
              + " to "
              + MAX_KEY_SIZE_BITS
              + " bits: "
              + bits);
    }
    return der;
  }

  private int countDevices(String accountId) {
    int count = 0;
    for (Device device : devicesById.values()) {
      if (device.accountId().equals(accountId)) {
        count++;
      }
    }
    return count;
  }

  /** Writes the registry; on failure restores {@code previous} for {@code deviceId}. */
  private void save(Device previous, String deviceId) throws DrmServiceException {
    if (file == null) {
      return;
    }
    try {
      byte[] content =
          JSON.writeValueAsBytes(new DeviceList(new ArrayList<>(devicesById.values())));
      Path parent = file.toAbsolutePath().getParent();
      OwnerOnlyFiles.createDirectories(parent);
      OwnerOnlyFiles.writeAtomically(file, content);
    } catch (IOException e) {
      if (previous == null) {
        devicesById.remove(deviceId);
      } else {
        devicesById.put(deviceId, previous);
      }
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot save device registry " + file, e);
    }
  }

  private static void requireAccount(String accountId) throws DrmServiceException {
    if (accountId == null || accountId.isEmpty()) {
      throw invalid("accountId is missing");
    }
  }

  private static DrmServiceException invalid(String message) {
    return new DrmServiceException(DrmServiceException.Reason.INVALID_REQUEST, message);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  /**
   * Returns the index of the first character of {@code name} that is a control character (Unicode
   * category Cc, such as NUL) or a bidirectional formatting character (U+061C, U+200E, U+200F,
   * U+202A to U+202E, U+2066 to U+2069), or -1. Both can make a stored name display as something
   * else than it is.
   */
  private static int firstControlCharIndex(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean bidiControl =
          c == '\u061c'
              || c == '\u200e'
              || c == '\u200f'
              || (c >= '\u202a' && c <= '\u202e')
              || (c >= '\u2066' && c <= '\u2069');
      if (Character.getType(c) == Character.CONTROL || bidiControl) {
        return i;
      }
    }
    return -1;
  }
}
