package dev.tonearm.server.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.testing.Corpus;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentEncryptorTest {
  @TempDir Path dir;

  private FileKeyManagementService kms;

  @BeforeEach
  void setUp() throws Exception {
    kms = FileKeyManagementService.open(dir.resolve("kms"));
  }

  @Test
  void encrypt_flacFile_decryptsFromAnyOffset() throws Exception {
    Path source = Corpus.require("flac-test-files/subset/02 - blocksize 4608.flac");
    byte[] plaintext = Files.readAllBytes(source);
    Path target = dir.resolve("out").resolve("flac.enc");

    EncryptedObject object;
    byte[] key;
    try (ContentKey cek = kms.createContentKey()) {
      object = new ContentEncryptor().encrypt(source, target, cek, 65_536);
      key = cek.keyBytes();
    }
    byte[] ciphertext = Files.readAllBytes(target);
    byte[] iv = HexFormat.of().parseHex(object.encryption().iv());

    assertThat(object.encryption().scheme()).isEqualTo("aes-256-ctr");
    assertThat(object.sizeBytes()).isEqualTo(plaintext.length);
    assertThat(ciphertext).hasSameSizeAs(plaintext);
    Random random = new Random(5);
    for (int i = 0; i < 100; i++) {
      int offset = random.nextInt(plaintext.length - 1);
      int length = 1 + random.nextInt(Math.min(3000, plaintext.length - offset));
      int block = offset / 16;
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new IvParameterSpec(addToCounter(iv, block)));
      byte[] fromBlock = cipher.update(ciphertext, block * 16, offset - block * 16 + length);
      assertThat(Arrays.copyOfRange(fromBlock, offset - block * 16, fromBlock.length))
          .as("offset %d", offset)
          .isEqualTo(Arrays.copyOfRange(plaintext, offset, offset + length));
    }
  }

  @Test
  void encrypt_returnsDigestsOverCiphertext() throws Exception {
    Path source = Corpus.require("music/singularity-apex-aleph.ogg");
    Path target = dir.resolve("ogg.enc");
    int chunkSize = 262_144;

    EncryptedObject object;
    try (ContentKey cek = kms.createContentKey()) {
      object = new ContentEncryptor().encrypt(source, target, cek, chunkSize);
    }
    byte[] ciphertext = Files.readAllBytes(target);

    HexFormat hex = HexFormat.of();
    assertThat(object.sha256())
        .isEqualTo(hex.formatHex(MessageDigest.getInstance("SHA-256").digest(ciphertext)));
    int chunks = (ciphertext.length + chunkSize - 1) / chunkSize;
    assertThat(object.chunkSha256()).hasSize(chunks);
    for (int i = 0; i < chunks; i++) {
      byte[] chunk =
          Arrays.copyOfRange(
              ciphertext, i * chunkSize, Math.min(ciphertext.length, (i + 1) * chunkSize));
      assertThat(object.chunkSha256().get(i))
          .isEqualTo(hex.formatHex(MessageDigest.getInstance("SHA-256").digest(chunk)));
    }
  }

  @Test
  void encrypt_sameKeyTwice_usesDifferentIvs() throws Exception {
    Path source = dir.resolve("plain.bin");
    Files.write(source, new byte[100_000]);

    try (ContentKey cek = kms.createContentKey()) {
      EncryptedObject first = new ContentEncryptor().encrypt(source, dir.resolve("a"), cek, 4096);
      EncryptedObject second = new ContentEncryptor().encrypt(source, dir.resolve("b"), cek, 4096);

      assertThat(first.encryption().iv()).isNotEqualTo(second.encryption().iv());
      assertThat(Files.readAllBytes(dir.resolve("a")))
          .isNotEqualTo(Files.readAllBytes(dir.resolve("b")));
    }
  }

  @Test
  void encrypt_missingSource_keepsTarget() throws Exception {
    Path target = dir.resolve("out.enc");
    Files.write(target, new byte[] {1, 2, 3});

    try (ContentKey cek = kms.createContentKey()) {
      assertThatThrownBy(
              () -> new ContentEncryptor().encrypt(dir.resolve("missing"), target, cek, 4096))
          .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
    try (var files = Files.list(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void encrypt_emptyFile_producesEmptyObjectWithoutChunks() throws Exception {
    Path source = dir.resolve("empty");
    Files.write(source, new byte[0]);

    try (ContentKey cek = kms.createContentKey()) {
      EncryptedObject object =
          new ContentEncryptor().encrypt(source, dir.resolve("e.enc"), cek, 4096);

      assertThat(object.sizeBytes()).isZero();
      assertThat(object.chunkSha256()).isEmpty();
    }
  }

  /** Computes {@code (iv + blocks) mod 2^128} as 16 big-endian bytes, independently of the SDK. */
  private static byte[] addToCounter(byte[] iv, long blocks) {
    BigInteger sum =
        new BigInteger(1, iv).add(BigInteger.valueOf(blocks)).mod(BigInteger.ONE.shiftLeft(128));
    byte[] bytes = sum.toByteArray();
    byte[] out = new byte[16];
    int copy = Math.min(16, bytes.length);
    System.arraycopy(bytes, bytes.length - copy, out, 16 - copy, copy);
    return out;
  }
}
