package dev.tonearm.server.drm;

import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts audio objects with their track's content key in AES-256-CTR, file to file.
 *
 * <p>Each object gets a fresh random 128-bit initial counter block (IV). Block {@code i} of the
 * object is encrypted with the counter {@code (IV + i) mod 2^128}, which is how the JDK's {@code
 * AES/CTR/NoPadding} increments, so a reader can decrypt from any byte offset without reading what
 * comes before it. The renditions of one track share its key, so a random 128-bit IV per object
 * keeps their key streams apart. CTR adds no length and no integrity: the chunk digests returned
 * here are over the ciphertext and are what clients verify.
 *
 * <p>The output is written to a temporary file next to the target, forced to storage and renamed
 * over the target, so a crash never leaves a partial object under the target name. Thread-safe:
 * instances are stateless apart from the random source.
 */
public final class ContentEncryptor {
  private static final Logger LOG = LoggerFactory.getLogger(ContentEncryptor.class);

  /** Size of the read and write buffer. */
  static final int BUFFER_SIZE_BYTES = 64 * 1024;

  private static final int IV_LENGTH_BYTES = 16;

  private final SecureRandom random;

  public ContentEncryptor() {
    this(new SecureRandom());
  }

  public ContentEncryptor(SecureRandom random) {
    this.random = random;
  }

  /**
   * Encrypts {@code source} into {@code target} with {@code key} and returns the metadata for the
   * manifest.
   *
   * @param chunkSizeBytes chunk size for the returned ciphertext digests, greater than 0
   * @throws IOException if reading, writing or renaming fails; {@code target} is then unchanged
   */
  public EncryptedObject encrypt(Path source, Path target, ContentKey key, int chunkSizeBytes)
      throws IOException {
    if (chunkSizeBytes <= 0) {
      throw new IllegalArgumentException("chunkSizeBytes must be > 0: " + chunkSizeBytes);
    }
    byte[] iv = new byte[IV_LENGTH_BYTES];
    random.nextBytes(iv);
    Cipher cipher = newCipher(key, iv);
    MessageDigest objectDigest = sha256();
    MessageDigest chunkDigest = sha256();
    List<String> chunkDigests = new ArrayList<>();
    HexFormat hex = HexFormat.of();

    Path dir = target.toAbsolutePath().getParent();
    OwnerOnlyFiles.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    long sizeBytes = 0;
    long chunkFillBytes = 0;
    try {
      try (InputStream in = Files.newInputStream(source);
          FileChannel channel =
              OwnerOnlyFiles.openChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        byte[] plain = new byte[BUFFER_SIZE_BYTES];
        byte[] encrypted = new byte[BUFFER_SIZE_BYTES];
        int read;
        while ((read = in.read(plain)) != -1) {
          int produced = cipher.update(plain, 0, read, encrypted, 0);
          out.write(encrypted, 0, produced);
          objectDigest.update(encrypted, 0, produced);
          int digested = 0;
          while (digested < produced) {
            int take = (int) Math.min(produced - digested, chunkSizeBytes - chunkFillBytes);
            chunkDigest.update(encrypted, digested, take);
            digested += take;
            chunkFillBytes += take;
            if (chunkFillBytes == chunkSizeBytes) {
              chunkDigests.add(hex.formatHex(chunkDigest.digest()));
              chunkFillBytes = 0;
            }
          }
          sizeBytes += produced;
        }
        byte[] tail = cipher.doFinal();
        if (tail.length != 0) {
          throw new IllegalStateException("AES/CTR produced " + tail.length + " bytes at the end");
        }
        if (chunkFillBytes > 0) {
          chunkDigests.add(hex.formatHex(chunkDigest.digest()));
        }
        out.flush();
        channel.force(true);
        Arrays.fill(plain, (byte) 0);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system of " + target + " cannot rename atomically", e);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR failed on " + source, e);
    } finally {
      Files.deleteIfExists(temp);
    }
    LOG.debug(
        "Encrypted {} ({} bytes) with key {} into {}", source, sizeBytes, key.keyId(), target);
    EncryptionInfo info =
        new EncryptionInfo(EncryptionInfo.SCHEME_AES_256_CTR, key.keyId(), hex.formatHex(iv));
    return new EncryptedObject(
        info, sizeBytes, hex.formatHex(objectDigest.digest()), chunkSizeBytes, chunkDigests);
  }

  private static Cipher newCipher(ContentKey key, byte[] iv) {
    byte[] keyBytes = key.keyBytes();
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new IvParameterSpec(iv));
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is not available in this JDK", e);
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }
}
