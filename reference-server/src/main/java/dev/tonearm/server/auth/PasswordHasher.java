package dev.tonearm.server.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes from the JDK's {@code PBKDF2WithHmacSHA256}.
 *
 * <p>Encoded form: {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, with a 16-byte random salt and a
 * 32-byte derived key, both base64 without padding. The iteration count is stored per hash, so
 * raising {@link #DEFAULT_ITERATIONS} later keeps old hashes verifiable.
 *
 * <p>Thread-safe and stateless apart from the {@link SecureRandom}.
 */
public final class PasswordHasher {
  /**
   * Default iteration count: 600,000, the OWASP Password Storage Cheat Sheet figure (2023) for
   * PBKDF2-HMAC-SHA256.
   */
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int KEY_BITS = 256;

  private final int iterations;
  private final SecureRandom random;

  /** Creates a hasher that uses {@code iterations} for new hashes (at least 1,000). */
  public PasswordHasher(int iterations, SecureRandom random) {
    if (iterations < 1_000) {
      throw new IllegalArgumentException("iterations must be >= 1000: " + iterations);
    }
    this.iterations = iterations;
    this.random = random;
  }

  /** Hashes {@code password} with a new random salt and returns the encoded form. */
  public String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] key = derive(password, salt, iterations);
    Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + encoder.encodeToString(salt) + "$"
        + encoder.encodeToString(key);
  }

  /**
   * Checks {@code password} against {@code encoded} in time that does not depend on where the
   * keys differ. Returns false for a malformed encoded hash.
   */
  public boolean verify(char[] password, String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      return false;
    }
    try {
      int storedIterations = Integer.parseInt(parts[1]);
      Base64.Decoder decoder = Base64.getDecoder();
      byte[] salt = decoder.decode(parts[2]);
      byte[] expected = decoder.decode(parts[3]);
      byte[] actual = derive(password, salt, storedIterations);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable in this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
