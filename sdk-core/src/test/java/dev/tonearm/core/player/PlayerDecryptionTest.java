package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.EventLog;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import dev.tonearm.testing.WavDecoderFactory;
import dev.tonearm.testing.WavTrack;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The player's decryption seam over real loopback HTTP with real AES-256-CTR from the JDK: the test
 * origin serves ciphertext whose chunk digests cover the ciphertext, and a small {@link
 * ContentDecryption} in this test turns it back into the WAV that the test decoder reads.
 */
class PlayerDecryptionTest {
  private static final int RATE_HZ = 8000;
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final byte[] KEY = new byte[32];
  private static final byte[] IV = new byte[16];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (31 * i + 7);
    }
    // An IV near the top of the counter range makes the counter wrap inside the object.
    Arrays.fill(IV, (byte) 0xff);
    IV[15] = (byte) 0x10;
  }

  private final WavTrack trackA = WavTrack.generate(1, RATE_HZ, 1, 40_000);
  private final WavTrack trackB = WavTrack.generate(2, RATE_HZ, 1, 20_000);
  private final EventLog log = new EventLog();
  private final List<Player> players = new ArrayList<>();

  private TestOrigin origin;
  private TonearmClient client;
  private ExecutorService loaderExecutor;

  @BeforeEach
  void startOrigin() throws Exception {
    origin = TestOrigin.start(1);
    origin.addTrack("t-a", trackA.durationMs(), encrypted("k-a", trackA));
    origin.addTrack("t-b", trackB.durationMs(), encrypted("k-b", trackB));
    origin.addTrack(
        "t-plain",
        trackB.durationMs(),
        TestOrigin.Rendition.ofWav("vorbis-96", 96, trackB, CHUNK_BYTES));
    client = TonearmClient.builder().setBaseUrl(origin.apiBaseUrl()).build();
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    loaderExecutor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    for (Player player : players) {
      player.release();
    }
    loaderExecutor.shutdownNow();
    origin.close();
  }

  @Test
  void encryptedRendition_withoutDecryption_failsUnsupportedBeforeAnyObjectRequest()
      throws Exception {
    RecordingListener listener = new RecordingListener();
    newPlayer(CapturingSink.immediate(), listener, null).play("t-a");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).hasSize(1);
    assertThat(listener.errors().get(0).reason())
        .isEqualTo(PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED);
    assertThat(origin.objectRequestCount()).isZero();
  }

  @Test
  void encryptedQueue_withDecryption_playsPlaintextExactly() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    TestDecryption decryption = new TestDecryption(null);
    // An immediate sink can finish t-plain before the loader thread has prefetched t-b, and then
    // the player prepares t-b a second time. A device takes real time, so from the middle of
    // t-plain the sink waits for the prefetch to open t-b's decryption, as a device would.
    long midPlainFrame = trackA.frames() + trackB.frames() / 2;
    sink.setWriteHook(
        framesBefore -> {
          if (framesBefore >= midPlainFrame) {
            decryption.trackBOpened.await(20, TimeUnit.SECONDS);
          }
        });

    newPlayer(sink, listener, decryption).play(Arrays.asList("t-a", "t-plain", "t-b"));
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    int[] expected = concat(concat(trackA.samples(), trackB.samples()), trackB.samples());
    assertThat(sink.samples()).isEqualTo(expected);
    assertThat(decryption.openedRenditions()).containsExactly("t-a/k-a", "t-b/k-b");
  }

  @Test
  void seek_inEncryptedTrack_decryptsFromTargetOffset() throws Exception {
    CapturingSink sink = CapturingSink.gated();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, new TestDecryption(null));
    sink.permitWrites(2);
    player.play("t-a");
    sink.awaitBlockedAfter(2);

    player.seekTo(30_001);
    sink.permitWrites(2); // The write held at the gate, then the first block after the seek.
    sink.awaitBlockedAfter(4);

    long targetFrame = 30_001L * RATE_HZ / 1000;
    assertThat(sink.write(3)[0]).isEqualTo(trackA.sample(targetFrame, 0));
    assertThat(sink.write(3)[1]).isEqualTo(trackA.sample(targetFrame + 1, 0));
  }

  @Test
  void decryptionFailure_ofPrefetchedTrack_stopsWithItsReasonAtThatTrack() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    PlaybackException denied =
        new PlaybackException(
            PlaybackException.ERROR_DRM_LICENCE_DENIED,
            "no licence for k-b",
            403,
            "SUBSCRIPTION_REQUIRED",
            null);

    newPlayer(sink, listener, new TestDecryption(denied)).play(Arrays.asList("t-a", "t-b"));
    listener.awaitEndedOrError();

    assertThat(listener.errors()).hasSize(1);
    assertThat(listener.errors().get(0).reason())
        .isEqualTo(PlaybackException.ERROR_DRM_LICENCE_DENIED);
    assertThat(listener.errors().get(0).serverCode()).isEqualTo("SUBSCRIPTION_REQUIRED");
    assertThat(sink.samples()).isEqualTo(trackA.samples());
  }

  private Player newPlayer(
      CapturingSink sink, RecordingListener listener, ContentDecryption decryption) {
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(new WavDecoderFactory(log))
            .setClock(new FakeClock(0))
            .setLoaderExecutor(loaderExecutor)
            .setListenerExecutor(Runnable::run)
            .setContentDecryption(decryption)
            .build();
    player.addListener(listener);
    players.add(player);
    return player;
  }

  private static TestOrigin.Rendition encrypted(String keyId, WavTrack track)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(IV));
    byte[] ciphertext = cipher.doFinal(track.bytes());
    return TestOrigin.Rendition.ofWav("vorbis-96", 96, track, CHUNK_BYTES)
        .encrypted("aes-256-ctr", keyId, hex(IV), ciphertext);
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02x", b & 0xff));
    }
    return text.toString();
  }

  private static int[] concat(int[] first, int[] second) {
    int[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /**
   * AES-256-CTR over the whole object with the fixed test key, or a fixed failure for track {@code
   * t-b}. Every read re-initialises the cipher at the block of the read position.
   */
  private static final class TestDecryption implements ContentDecryption {
    private final PlaybackException failureForTrackB;
    private final List<String> opened = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch trackBOpened = new CountDownLatch(1);

    TestDecryption(PlaybackException failureForTrackB) {
      this.failureForTrackB = failureForTrackB;
    }

    List<String> openedRenditions() {
      return new ArrayList<>(opened);
    }

    @Override
    public ByteSource open(Manifest manifest, Rendition rendition, ByteSource ciphertext)
        throws PlaybackException {
      if (failureForTrackB != null && manifest.trackId().equals("t-b")) {
        throw failureForTrackB;
      }
      opened.add(manifest.trackId() + "/" + rendition.encryption().keyId());
      if (manifest.trackId().equals("t-b")) {
        trackBOpened.countDown();
      }
      return new CtrSource(ciphertext);
    }
  }

  private static final class CtrSource implements ByteSource {
    private final ByteSource ciphertext;

    CtrSource(ByteSource ciphertext) {
      this.ciphertext = ciphertext;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      long position = ciphertext.position();
      int read = ciphertext.read(buffer, offset, length);
      if (read <= 0) {
        return read;
      }
      byte[] counter = IV.clone();
      long block = position / 16;
      int carry = 0;
      for (int i = 15; i >= 0; i--) {
        int sum = (counter[i] & 0xff) + (int) (block & 0xff) + carry;
        counter[i] = (byte) sum;
        carry = sum >>> 8;
        block >>>= 8;
      }
      try {
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(counter));
        int skip = (int) (position % 16);
        cipher.update(new byte[skip]);
        byte[] plain = cipher.update(buffer, offset, read);
        System.arraycopy(plain, 0, buffer, offset, read);
      } catch (GeneralSecurityException e) {
        throw new IOException("AES/CTR failed", e);
      }
      return read;
    }

    @Override
    public long position() {
      return ciphertext.position();
    }

    @Override
    public long length() {
      return ciphertext.length();
    }

    @Override
    public boolean isSeekable() {
      return ciphertext.isSeekable();
    }

    @Override
    public void seek(long position) throws IOException {
      ciphertext.seek(position);
    }

    @Override
    public void close() throws IOException {
      ciphertext.close();
    }
  }
}
