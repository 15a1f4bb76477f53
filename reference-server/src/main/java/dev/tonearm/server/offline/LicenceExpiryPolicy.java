package dev.tonearm.server.offline;

import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes when a device's offline licence expires: the licence period after the last online check,
 * shifted by a per-device jitter.
 *
 * <p>The jitter spreads the refreshes of devices that were last online at the same moment (after an
 * outage, or a release that everyone downloads at once) over {@code 2 * maxExpiryJitter}. It is
 * HMAC-SHA256 of the device id under a server secret, mapped to whole seconds in {@code
 * [-maxExpiryJitter, +maxExpiryJitter]}: stable for a device across restarts and refreshes, and not
 * predictable without the secret. Immutable and thread-safe.
 */
public final class LicenceExpiryPolicy {
  /** Minimum secret length: the HMAC-SHA256 block of security. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String HMAC_ALGORITHM = "HmacSHA256";
  private static final byte[] JITTER_LABEL =
      "tonearm offline expiry jitter\0".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec secretKey;
  private final Duration licencePeriod;
  private final long maxJitterSeconds;
  private final ThreadLocal<Mac> macs;

  /**
   * Creates a policy.
   *
   * @param secret at least {@link #MIN_SECRET_BYTES} random bytes, kept by the server
   * @param limits supplies the licence period and the maximum jitter
   */
  public LicenceExpiryPolicy(byte[] secret, OfflineLimits limits) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret must have at least " + MIN_SECRET_BYTES + " bytes: " + secret.length);
    }
    this.secretKey = new SecretKeySpec(secret.clone(), HMAC_ALGORITHM);
    this.licencePeriod = limits.licencePeriod();
    this.maxJitterSeconds = limits.maxExpiryJitter().toSeconds();
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Returns the device's jitter, in whole seconds within plus or minus the maximum jitter. */
  public Duration jitterFor(String deviceId) {
    if (maxJitterSeconds == 0) {
      return Duration.ZERO;
    }
    Mac mac = macs.get();
    mac.update(JITTER_LABEL);
    byte[] digest = mac.doFinal(deviceId.getBytes(StandardCharsets.UTF_8));
    long value = ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    long range = 2 * maxJitterSeconds + 1;
    // The bias of reducing a 64-bit value modulo about 5e5 is below 1e-13, so negligible.
    long offsetSeconds = Long.remainderUnsigned(value, range) - maxJitterSeconds;
    return Duration.ofSeconds(offsetSeconds);
  }

  /** Returns the expiry of a licence whose last online check was at {@code checkedAt}. */
  public Instant expiresAt(String deviceId, Instant checkedAt) {
    return checkedAt.plus(licencePeriod).plus(jitterFor(deviceId));
  }

  /**
   * Reads the jitter secret from {@code file}, or creates it with {@link #MIN_SECRET_BYTES} bytes
   * from {@link SecureRandom} if the file does not exist. The file is written atomically and is
   * readable by the owner only where the file system supports POSIX permissions. Two processes
   * creating the secret at the same moment are not supported: the second rename wins.
   */
  public static byte[] loadOrCreateSecret(Path file) throws IOException {
    if (Files.exists(file)) {
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IOException(
            "expiry secret "
                + file
                + " is too short: "
                + secret.length
                + " bytes, expected at least "
                + MIN_SECRET_BYTES
                + "; delete it to create a new one");
      }
      return secret;
    }
    byte[] secret = new byte[MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    OwnerOnlyFiles.createDirectories(file.toAbsolutePath().getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try (FileChannel channel =
        OwnerOnlyFiles.openChannel(
            temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(secret);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    return secret;
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC_ALGORITHM);
      mac.init(secretKey);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC_ALGORITHM + " is missing from this JVM", e);
    }
  }
}
