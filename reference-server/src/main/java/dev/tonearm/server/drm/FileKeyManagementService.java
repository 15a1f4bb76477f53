package dev.tonearm.server.drm;

import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyManagementService} that keeps its keys in a directory.
 *
 * <p>Layout of the directory (created {@code rwx------}):
 *
 * <ul>
 *   <li>{@code master.key}: magic {@code "TAMK"}, format version 1, then the 32-byte AES-256 master
 *       key. Generated on first start.
 *   <li>{@code signing.key}: magic {@code "TASK"}, version 1, then the 32-byte Ed25519 private key
 *       seed (RFC 8032) that signs licences. Generated on first start.
 *   <li>{@code keys/<keyId>.cek}: one wrapped CEK each: magic {@code "TACK"}, version 1, a 12-byte
 *       random nonce, then the AES-256-GCM encryption of the 32-byte CEK under the master key with
 *       a 128-bit tag (48 bytes). The associated data is {@code "tonearm-cek-v1:"} and the key id
 *       in UTF-8, so a wrapped key renamed to another id fails authentication.
 * </ul>
 *
 * <p>Both secret files are written {@code rw-------}; at load a file with any group or other
 * permission bit is rejected with {@code KEY_FILE_INSECURE}. Every file is replaced atomically
 * (temporary file, fsync, rename). AES-256-GCM with a random 96-bit nonce per wrap is used rather
 * than AES key wrap (RFC 3394/5649) because the JDK offers it on every platform and it
 * authenticates the key id as associated data. Thread-safe: files are written once per key id and
 * the keys in memory are immutable after construction.
 */
public final class FileKeyManagementService implements KeyManagementService {
  private static final Logger LOG = LoggerFactory.getLogger(FileKeyManagementService.class);

  static final String MASTER_KEY_FILE = "master.key";
  static final String SIGNING_KEY_FILE = "signing.key";
  static final String CONTENT_KEYS_DIR = "keys";
  static final String WRAPPED_KEY_SUFFIX = ".cek";

  private static final byte[] MASTER_MAGIC = {'T', 'A', 'M', 'K'};
  private static final byte[] SIGNING_MAGIC = {'T', 'A', 'S', 'K'};
  private static final byte[] WRAPPED_MAGIC = {'T', 'A', 'C', 'K'};
  private static final byte FORMAT_VERSION = 1;
  private static final int KEY_FILE_LENGTH_BYTES = 4 + 1 + 32;
  private static final int GCM_NONCE_LENGTH_BYTES = 12;
  private static final int GCM_TAG_LENGTH_BITS = 128;
  private static final int WRAPPED_FILE_LENGTH_BYTES =
      4 + 1 + GCM_NONCE_LENGTH_BYTES + ContentKey.KEY_LENGTH_BYTES + GCM_TAG_LENGTH_BITS / 8;
  private static final String WRAP_CONTEXT = "tonearm-cek-v1:";
  private static final Pattern KEY_ID = Pattern.compile("k-[0-9a-f]{32}");

  private final Path directory;
  private final Path contentKeysDir;
  private final SecureRandom random;
  private final SecretKeySpec masterKey;
  private final Ed25519PrivateKeyParameters signingKey;
  private final SigningKeyInfo signingKeyInfo;

  private FileKeyManagementService(
      Path directory,
      SecureRandom random,
      SecretKeySpec masterKey,
      Ed25519PrivateKeyParameters signingKey) {
    this.directory = directory;
    this.contentKeysDir = directory.resolve(CONTENT_KEYS_DIR);
    this.random = random;
    this.masterKey = masterKey;
    this.signingKey = signingKey;
    byte[] publicKey = signingKey.generatePublicKey().getEncoded();
    this.signingKeyInfo =
        new SigningKeyInfo(
            signingKeyId(publicKey), "Ed25519", Base64.getEncoder().encodeToString(publicKey));
  }

  /**
   * Opens the key directory {@code directory}, generating the master and signing keys on first
   * start.
   *
   * @throws DrmServiceException {@code KEY_FILE_INSECURE} if a key file is accessible to other
   *     users, {@code KEY_FILE_CORRUPT} if it is malformed, {@code STORAGE_FAILED} on I/O errors
   */
  public static FileKeyManagementService open(Path directory) throws DrmServiceException {
    return open(directory, new SecureRandom());
  }

  /** Like {@link #open(Path)} with the given source of randomness. */
  public static FileKeyManagementService open(Path directory, SecureRandom random)
      throws DrmServiceException {
    try {
      OwnerOnlyFiles.createDirectories(directory);
      OwnerOnlyFiles.createDirectories(directory.resolve(CONTENT_KEYS_DIR));
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot create key directory " + directory, e);
    }
    byte[] master =
        loadOrCreateKeyFile(directory.resolve(MASTER_KEY_FILE), MASTER_MAGIC, "master key", random);
    byte[] seed =
        loadOrCreateKeyFile(
            directory.resolve(SIGNING_KEY_FILE), SIGNING_MAGIC, "licence signing key", random);
    try {
      return new FileKeyManagementService(
          directory,
          random,
          new SecretKeySpec(master, "AES"),
          new Ed25519PrivateKeyParameters(seed, 0));
    } finally {
      Arrays.fill(master, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  @Override
  public ContentKey createContentKey() throws DrmServiceException {
    byte[] idBytes = new byte[16];
    random.nextBytes(idBytes);
    String keyId = "k-" + HexFormat.of().formatHex(idBytes);
    byte[] cek = new byte[ContentKey.KEY_LENGTH_BYTES];
    random.nextBytes(cek);
    try {
      byte[] wrapped = wrap(keyId, cek);
      OwnerOnlyFiles.writeAtomically(wrappedKeyPath(keyId), wrapped);
      LOG.debug("Created content key {}", keyId);
      return new ContentKey(keyId, cek);
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot store content key " + keyId, e);
    } finally {
      Arrays.fill(cek, (byte) 0);
    }
  }

  @Override
  public ContentKey contentKey(String keyId) throws DrmServiceException {
    if (!hasValidFormat(keyId)) {
      throw unknownKey(keyId);
    }
    byte[] file;
    try {
      file = Files.readAllBytes(wrappedKeyPath(keyId));
    } catch (NoSuchFileException e) {
      throw unknownKey(keyId);
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot read content key " + keyId, e);
    }
    byte[] cek = unwrap(keyId, file);
    try {
      return new ContentKey(keyId, cek);
    } finally {
      Arrays.fill(cek, (byte) 0);
    }
  }

  @Override
  public boolean hasContentKey(String keyId) {
    return hasValidFormat(keyId) && Files.isRegularFile(wrappedKeyPath(keyId));
  }

  @Override
  public boolean deleteContentKey(String keyId) throws DrmServiceException {
    if (!hasValidFormat(keyId)) {
      return false;
    }
    try {
      boolean deleted = Files.deleteIfExists(wrappedKeyPath(keyId));
      if (deleted) {
        LOG.debug("Deleted content key {}", keyId);
      }
      return deleted;
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot delete content key " + keyId, e);
    }
  }

  @Override
  public SigningKeyInfo signingKey() {
    return signingKeyInfo;
  }

  @Override
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, signingKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public String toString() {
    return "FileKeyManagementService{directory="
        + directory
        + ", signingKeyId="
        + signingKeyInfo.keyId()
        + "}";
  }

  /** Path of the wrapped CEK file for {@code keyId}; package-private for tests. */
  Path wrappedKeyPath(String keyId) {
    return contentKeysDir.resolve(keyId + WRAPPED_KEY_SUFFIX);
  }

  private static boolean hasValidFormat(String keyId) {
    return keyId != null && KEY_ID.matcher(keyId).matches();
  }

  private byte[] wrap(String keyId, byte[] cek) {
    byte[] nonce = new byte[GCM_NONCE_LENGTH_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(GCM_TAG_LENGTH_BITS, nonce));
      cipher.updateAAD(associatedData(keyId));
      byte[] sealed = cipher.doFinal(cek);
      return ByteBuffer.allocate(WRAPPED_FILE_LENGTH_BYTES)
          .put(WRAPPED_MAGIC)
          .put(FORMAT_VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
    }
  }

  private byte[] unwrap(String keyId, byte[] file) throws DrmServiceException {
    if (file.length != WRAPPED_FILE_LENGTH_BYTES
        || !Arrays.equals(file, 0, 4, WRAPPED_MAGIC, 0, 4)
        || file[4] != FORMAT_VERSION) {
      throw corruptKey(keyId, "has an invalid length, magic or version", null);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          masterKey,
          new GCMParameterSpec(GCM_TAG_LENGTH_BITS, file, 5, GCM_NONCE_LENGTH_BYTES));
      cipher.updateAAD(associatedData(keyId));
      int sealedOffset = 5 + GCM_NONCE_LENGTH_BYTES;
      return cipher.doFinal(file, sealedOffset, file.length - sealedOffset);
    } catch (AEADBadTagException e) {
      throw corruptKey(
          keyId,
          "fails authentication: it was modified, renamed from another key id, or wrapped under"
              + " another master key",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
    }
  }

  private static byte[] associatedData(String keyId) {
    return (WRAP_CONTEXT + keyId).getBytes(StandardCharsets.UTF_8);
  }

  private static DrmServiceException unknownKey(String keyId) {
    return new DrmServiceException(
        DrmServiceException.Reason.UNKNOWN_KEY, "content key not found: " + keyId);
  }

  private DrmServiceException corruptKey(String keyId, String problem, Throwable cause) {
    return new DrmServiceException(
        DrmServiceException.Reason.KEY_FILE_CORRUPT,
        "wrapped content key " + wrappedKeyPath(keyId) + " " + problem,
        cause);
  }

  private static byte[] loadOrCreateKeyFile(
      Path file, byte[] magic, String description, SecureRandom random) throws DrmServiceException {
    if (!Files.exists(file)) {
      byte[] content = new byte[KEY_FILE_LENGTH_BYTES];
      System.arraycopy(magic, 0, content, 0, 4);
      content[4] = FORMAT_VERSION;
      byte[] key = new byte[32];
      random.nextBytes(key);
      System.arraycopy(key, 0, content, 5, 32);
      Arrays.fill(key, (byte) 0);
      try {
        OwnerOnlyFiles.writeAtomically(file, content);
      } catch (IOException e) {
        throw new DrmServiceException(
            DrmServiceException.Reason.STORAGE_FAILED,
            "cannot write new " + description + " " + file,
            e);
      } finally {
        Arrays.fill(content, (byte) 0);
      }
      LOG.info("Generated a new {} in {}", description, file);
    }
    SecureFiles.checkOwnerOnly(file, description + " file");
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED, "cannot read " + description + " " + file, e);
    }
    try {
      if (content.length != KEY_FILE_LENGTH_BYTES
          || !Arrays.equals(content, 0, 4, magic, 0, 4)
          || content[4] != FORMAT_VERSION) {
        throw new DrmServiceException(
            DrmServiceException.Reason.KEY_FILE_CORRUPT,
            description
                + " file "
                + file
                + " is not a version-1 key file of "
                + KEY_FILE_LENGTH_BYTES
                + " bytes (length "
                + content.length
                + "); restore it from a backup, because the keys it protects cannot be"
                + " recovered without it");
      }
      return Arrays.copyOfRange(content, 5, KEY_FILE_LENGTH_BYTES);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  private static String signingKeyId(byte[] publicKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
      return "sk-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }
}
