package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.EncryptedObject;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypts real corpus files with the reference server's {@link ContentEncryptor} and reads them
 * back through {@link DecryptingByteSource}.
 */
class DecryptingByteSourceRoundTripTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "music/singularity-apex-aleph.ogg",
        "flac-test-files/subset/01 - blocksize 4096.flac",
        "flac-test-files/subset/07 - blocksize 725.flac"
      })
  void encryptedCorpusFile_readsBackIdenticalInFullAndAtRandomOffsets(String relative)
      throws Exception {
    Path source = Corpus.require(relative);
    byte[] plaintext = Files.readAllBytes(source);
    Path encrypted = dir.resolve("object.enc");
    FileKeyManagementService kms = FileKeyManagementService.open(dir.resolve("kms"));
    EncryptedObject object;
    byte[] keyBytes;
    try (dev.tonearm.server.drm.ContentKey serverKey = kms.createContentKey()) {
      object = new ContentEncryptor().encrypt(source, encrypted, serverKey, 262_144);
      keyBytes = serverKey.keyBytes();
    }
    byte[] ciphertext = Files.readAllBytes(encrypted);
    assertThat(ciphertext).hasSameSizeAs(plaintext);
    assertThat(ciphertext).isNotEqualTo(plaintext);
    assertChunkDigests(ciphertext, object.chunkSha256(), object.chunkSizeBytes());

    ContentKey key = new ContentKey(object.encryption().keyId(), keyBytes, Long.MAX_VALUE);
    byte[] iv = CtrDecryptor.parseIv(object.encryption().iv());

    try (DecryptingByteSource source1 =
        new DecryptingByteSource(new FileByteSource(encrypted), new CtrDecryptor(key, iv), 4096)) {
      assertThat(readAll(source1)).isEqualTo(plaintext);
    }

    Random random = new Random(relative.hashCode());
    try (DecryptingByteSource source2 =
        new DecryptingByteSource(new FileByteSource(encrypted), new CtrDecryptor(key, iv))) {
      assertThat(source2.length()).isEqualTo(plaintext.length);
      for (int i = 0; i < 200; i++) {
        long offset = random.nextInt(plaintext.length);
        if (i % 3 == 0) {
          offset |= 1; // always include odd offsets inside a block
        }
        offset = Math.min(offset, plaintext.length - 1);
        source2.seek(offset);
        int length = 1 + random.nextInt(70_000);
        byte[] buffer = new byte[length];
        int total = 0;
        while (total < length) {
          int read = source2.read(buffer, total, length - total);
          if (read == -1) {
            break;
          }
          total += read;
        }
        int expectedLength = (int) Math.min(length, plaintext.length - offset);
        assertThat(total).as("bytes read at offset %d", offset).isEqualTo(expectedLength);
        assertThat(Arrays.copyOf(buffer, total))
            .as("plaintext at offset %d", offset)
            .isEqualTo(Arrays.copyOfRange(plaintext, (int) offset, (int) offset + total));
        assertThat(source2.position()).isEqualTo(offset + total);
      }
    }
  }

  private static byte[] readAll(DecryptingByteSource source) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[10_007];
    int read;
    while ((read = source.read(buffer, 0, buffer.length)) != -1) {
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private static void assertChunkDigests(byte[] ciphertext, List<String> digests, int chunkSize)
      throws Exception {
    int chunks = (ciphertext.length + chunkSize - 1) / chunkSize;
    assertThat(digests).hasSize(chunks);
    for (int i = 0; i < chunks; i++) {
      byte[] chunk =
          Arrays.copyOfRange(
              ciphertext, i * chunkSize, Math.min(ciphertext.length, (i + 1) * chunkSize));
      assertThat(digests.get(i))
          .as("chunk %d", i)
          .isEqualTo(Hex.encode(MessageDigest.getInstance("SHA-256").digest(chunk)));
    }
  }
}
