package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CtrDecryptorTest {
  private static final byte[] KEY = DeviceKeyStoreTest.filled(0x3c);

  @Test
  void decrypt_oddOffsets_matchesJce() throws Exception {
    Random random = new Random(7);
    byte[] iv = new byte[16];
    random.nextBytes(iv);
    byte[] plaintext = new byte[200_003];
    random.nextBytes(plaintext);
    byte[] ciphertext = encryptWithJce(iv, plaintext);
    CtrDecryptor decryptor = new CtrDecryptor(new ContentKey("k", KEY, Long.MAX_VALUE), iv, 64);

    for (int i = 0; i < 500; i++) {
      int offset = random.nextInt(plaintext.length);
      int length = 1 + random.nextInt(Math.min(5000, plaintext.length - offset));
      byte[] out = new byte[length + 3];
      decryptor.decrypt(offset, ciphertext, offset, length, out, 3);
      assertThat(Arrays.copyOfRange(out, 3, 3 + length))
          .as("offset %d length %d", offset, length)
          .isEqualTo(Arrays.copyOfRange(plaintext, offset, offset + length));
    }
  }

  @Test
  void decrypt_sequentialPiecesAcrossBlockBoundaries_matchesPlaintext() throws Exception {
    byte[] iv = new byte[16];
    byte[] plaintext = new byte[1000];
    new Random(3).nextBytes(plaintext);
    byte[] ciphertext = encryptWithJce(iv, plaintext);
    CtrDecryptor decryptor = new CtrDecryptor(new ContentKey("k", KEY, Long.MAX_VALUE), iv, 16);
    byte[] out = new byte[plaintext.length];

    int offset = 5;
    int[] pieces = {1, 15, 16, 17, 3, 100, 33};
    for (int piece : pieces) {
      decryptor.decrypt(offset, ciphertext, offset, piece, out, offset);
      offset += piece;
    }

    assertThat(Arrays.copyOfRange(out, 5, offset))
        .isEqualTo(Arrays.copyOfRange(plaintext, 5, offset));
  }

  @Test
  void counterForBlock_carriesAndWraps() {
    byte[] iv = new byte[16];
    Arrays.fill(iv, 8, 16, (byte) 0xff);
    byte[] out = new byte[16];

    CtrDecryptor.counterForBlock(iv, 1, out);
    byte[] expected = new byte[16];
    expected[7] = 1;
    assertThat(out).isEqualTo(expected);

    byte[] allOnes = new byte[16];
    Arrays.fill(allOnes, (byte) 0xff);
    CtrDecryptor.counterForBlock(allOnes, 2, out);
    byte[] wrapped = new byte[16];
    wrapped[15] = 1;
    assertThat(out).isEqualTo(wrapped);
  }

  @Test
  void decrypt_ivNearCounterOverflow_matchesJce() throws Exception {
    byte[] iv = new byte[16];
    Arrays.fill(iv, 4, 16, (byte) 0xff);
    iv[15] = (byte) 0xf0;
    byte[] plaintext = new byte[16 * 40 + 7];
    new Random(11).nextBytes(plaintext);
    byte[] ciphertext = encryptWithJce(iv, plaintext);
    CtrDecryptor decryptor = new CtrDecryptor(new ContentKey("k", KEY, Long.MAX_VALUE), iv);
    byte[] out = new byte[plaintext.length];

    decryptor.decrypt(333, ciphertext, 333, plaintext.length - 333, out, 333);
    decryptor.decrypt(0, ciphertext, 0, 333, out, 0);

    assertThat(out).isEqualTo(plaintext);
  }

  @Test
  void constructor_wrongIvLength_failsWithInvalidEncryption() {
    assertThatThrownBy(() -> new CtrDecryptor(new ContentKey("k", KEY, 1), new byte[12]))
        .isInstanceOfSatisfying(
            DrmException.class,
            e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_INVALID_ENCRYPTION));
  }

  @Test
  void parseIv_malformedHex_failsWithInvalidEncryption() {
    for (String bad : new String[] {null, "", "00", "zz" + "0".repeat(30), "0".repeat(33)}) {
      assertThatThrownBy(() -> CtrDecryptor.parseIv(bad))
          .as("iv %s", bad)
          .isInstanceOfSatisfying(
              DrmException.class,
              e -> assertThat(e.reason()).isEqualTo(DrmException.ERROR_INVALID_ENCRYPTION));
    }
  }

  static byte[] encryptWithJce(byte[] iv, byte[] plaintext) throws Exception {
    Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(iv));
    return cipher.doFinal(plaintext);
  }
}
