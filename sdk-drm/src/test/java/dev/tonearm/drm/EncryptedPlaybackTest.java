package dev.tonearm.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.Corpus;
import dev.tonearm.testing.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Encrypted audio end to end. The real reference server ingests and encrypts the demo tracks and a
 * FLAC file, and its edges serve the ciphertext over loopback HTTP. The SDK player registers the
 * device, gets a licence, verifies and decrypts the chunks, and decodes them with the real
 * decoders. Each check compares against an independent path: the served object, decrypted with
 * the content key from the server's key management service and decoded directly.
 *
 * <p>The server clock stands still unless a test moves it. Each device gets its own clock, started
 * at the server's time.
 */
class EncryptedPlaybackTest {
  private static final String APEX = "t-c9d9bdd0c399";
  private static final String AWAKENING = "t-72efe1d6386e";
  private static final String FLAC_SOURCE = "flac-test-files/subset/01 - blocksize 4096.flac";
  private static final int WINDOW_BYTES = 4096;
  private static final long PLAY_TIMEOUT_S = 120;
  private static final long START_MS = 1_800_000_000_000L;
  private static final byte[] APP_SIGNATURE = "tonearm-e2e".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path serverDir;
  private static final MutableClock serverClock = new MutableClock(START_MS);
  private static ReferenceServer server;
  private static String flacTrackId;

  @TempDir Path deviceDir;
  private final List<Player> players = new ArrayList<>();
  private final AtomicInteger deviceCounter = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    assumeTrue(
        ExternalTool.isInstalled("oggdec") && ExternalTool.isInstalled("oggenc"),
        "oggdec and oggenc (Debian package vorbis-tools) are needed to ingest the demo tracks");
    server =
        ReferenceServer.builder()
            .dataDir(serverDir.resolve("data"))
            .apiPort(0)
            .edgeCount(2)
            .passwordHashIterations(1000)
            .demoVorbisLadderKbps(List.of(96, 320))
            .maxDevicesPerAccount(100)
            .clock(serverClock)
            .build()
            .start();
    if (ExternalTool.isInstalled("flac") && Corpus.has(FLAC_SOURCE)) {
      flacTrackId = server.ingest().ingest(Corpus.require(FLAC_SOURCE), Map.of()).track().id();
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void releasePlayers() {
    for (Player player : players) {
      player.release();
    }
  }

  static Stream<Arguments> demoRenditions() {
    return Stream.of(
        Arguments.of(APEX, Quality.NORMAL, "vorbis-96"),
        Arguments.of(APEX, Quality.VERY_HIGH, "vorbis-320"),
        Arguments.of(AWAKENING, Quality.NORMAL, "vorbis-96"),
        Arguments.of(AWAKENING, Quality.VERY_HIGH, "vorbis-320"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("demoRenditions")
  void demoTrack_decryptedPlayback_equalsDecodeOfServedPlaintext(
      String trackId, Quality quality, String renditionId) throws Exception {
    Device device = newDevice("premium", deviceClock(), null);
    byte[] ciphertext = fetchObject(device.client, trackId, renditionId);
    byte[] plaintext = decrypt(trackId, renditionId, ciphertext);

    Playback playback = device.play(trackId, quality, null);

    assertThat(playback.error).isNull();
    assertThat(playback.renditionIds).containsExactly(renditionId);
    assertThat(new String(plaintext, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
    int[] expected = RealDecoders.decodeAll("vorbis", plaintext);
    assertThat(playback.samples.length).isEqualTo(expected.length);
    assertThat(playback.samples).isEqualTo(expected);
    assertNoPlaintext(ciphertext, plaintext, "object on the wire");
    assertNoPlaintext(storedObject(trackId, renditionId), plaintext, "object on disk");
  }

  @Test
  void flacSource_flacRendition_equalsSourceDecodeExactly() throws Exception {
    assumeTrue(flacTrackId != null, "flac and the corpus file " + FLAC_SOURCE + " are needed");
    Device device = newDevice("premium", deviceClock(), null);
    byte[] source = Files.readAllBytes(Corpus.require(FLAC_SOURCE));
    byte[] ciphertext = fetchObject(device.client, flacTrackId, "flac");
    byte[] plaintext = decrypt(flacTrackId, "flac", ciphertext);

    Playback playback = device.play(flacTrackId, Quality.LOSSLESS, null);

    assertThat(playback.error).isNull();
    assertThat(playback.renditionIds).containsExactly("flac");
    int[] expected = RealDecoders.decodeAll("flac", source);
    assertThat(expected).hasSize(308_700 * 2);
    assertThat(playback.samples).isEqualTo(expected);
    assertNoPlaintext(ciphertext, plaintext, "FLAC object on the wire");
    assertNoPlaintext(ciphertext, source, "FLAC object on the wire, against the source file");
    assertNoPlaintext(storedObject(flacTrackId, "flac"), plaintext, "FLAC object on disk");
  }

  @Test
  void flacSource_vorbisRendition_equalsDecodeOfServedPlaintext() throws Exception {
    assumeTrue(flacTrackId != null, "flac and the corpus file " + FLAC_SOURCE + " are needed");
    Device device = newDevice("premium", deviceClock(), null);
    byte[] plaintext =
        decrypt(flacTrackId, "vorbis-320", fetchObject(device.client, flacTrackId, "vorbis-320"));

    Playback playback = device.play(flacTrackId, Quality.VERY_HIGH, null);

    assertThat(playback.error).isNull();
    assertThat(playback.renditionIds).containsExactly("vorbis-320");
    assertThat(playback.samples).isEqualTo(RealDecoders.decodeAll("vorbis", plaintext));
  }

  @Test
  void seek_inEncryptedFlac_matchesSourceDecodeFromTargetFrame() throws Exception {
    assumeTrue(flacTrackId != null, "flac and the corpus file " + FLAC_SOURCE + " are needed");
    Device device = newDevice("premium", deviceClock(), null);
    int[] expected =
        RealDecoders.decodeAll("flac", Files.readAllBytes(Corpus.require(FLAC_SOURCE)));
    CapturingSink sink = CapturingSink.gated();
    Player player = device.newPlayer(sink, Quality.LOSSLESS, null, new Listener());
    sink.permitWrites(1);
    player.play(flacTrackId);
    sink.awaitBlockedAfter(1);

    long targetMs = 4_321;
    player.seekTo(targetMs);
    sink.permitWrites(2); // The write held at the gate, then the first block after the seek.
    sink.awaitBlockedAfter(3);

    long targetFrame = targetMs * 44_100 / 1000;
    int[] afterSeek = sink.write(2);
    assertThat(afterSeek.length).isGreaterThan(64);
    int[] expectedAfterSeek = new int[afterSeek.length];
    System.arraycopy(expected, (int) (targetFrame * 2), expectedAfterSeek, 0, afterSeek.length);
    assertThat(afterSeek).isEqualTo(expectedAfterSeek);
  }

  @Test
  void streamCache_holdsOnlyCiphertext() throws Exception {
    Device device = newDevice("premium", deviceClock(), null);
    byte[] plaintext = decrypt(APEX, "vorbis-96", fetchObject(device.client, APEX, "vorbis-96"));
    StreamCache cache = StreamCache.open(deviceDir.resolve("stream-cache"), 64L * 1024 * 1024);

    Playback playback = device.play(APEX, Quality.NORMAL, cache);

    assertThat(playback.error).isNull();
    cache.flush();
    List<Path> chunks = new ArrayList<>();
    try (Stream<Path> files = Files.list(cache.directory())) {
      files.filter(file -> file.getFileName().toString().endsWith(".chunk")).forEach(chunks::add);
    }
    assertThat(chunks).hasSize(Math.toIntExact((plaintext.length + 262_143) / 262_144));
    for (Path chunk : chunks) {
      assertNoPlaintext(Files.readAllBytes(chunk), plaintext, "cached " + chunk.getFileName());
    }
  }

  @Test
  void seek_inEncryptedTrack_matchesDecodeFromTargetFrame() throws Exception {
    Device device = newDevice("premium", deviceClock(), null);
    byte[] plaintext = decrypt(APEX, "vorbis-96", fetchObject(device.client, APEX, "vorbis-96"));
    int[] expected = RealDecoders.decodeAll("vorbis", plaintext);
    CapturingSink sink = CapturingSink.gated();
    Player player = device.newPlayer(sink, Quality.NORMAL, null, new Listener());
    sink.permitWrites(2);
    player.play(APEX);
    sink.awaitBlockedAfter(2);

    long targetMs = 61_250;
    player.seekTo(targetMs);
    sink.permitWrites(2); // The write held at the gate, then the first block after the seek.
    sink.awaitBlockedAfter(4);

    long targetFrame = targetMs * 48_000 / 1000;
    int[] afterSeek = sink.write(3);
    assertThat(afterSeek.length).isGreaterThan(64);
    int[] expectedAfterSeek = new int[afterSeek.length];
    System.arraycopy(expected, (int) (targetFrame * 2), expectedAfterSeek, 0, afterSeek.length);
    assertThat(afterSeek).isEqualTo(expectedAfterSeek);
  }

  @Test
  void playerWithoutDecryption_failsEncryptionUnsupported() throws Exception {
    Device device = newDevice("premium", deviceClock(), null);
    Listener listener = new Listener();
    CapturingSink sink = CapturingSink.immediate();
    Player player =
        Player.builder()
            .setClient(device.client)
            .setSink(sink)
            .setDecoderFactory(new RealDecoders())
            .build();
    players.add(player);
    player.addListener(listener);

    player.play(APEX);
    listener.await();

    assertThat(listener.error).isNotNull();
    assertThat(listener.error.reason()).isEqualTo(PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED);
    assertThat(sink.samples()).isEmpty();
  }

  @Test
  void licenceOfDeviceA_isUselessOnDeviceB() throws Exception {
    Device deviceA = newDevice("premium", deviceClock(), null);
    assertThat(deviceA.play(APEX, Quality.NORMAL, null).error).isNull();
    String deviceIdA = deviceA.keyStore.deviceIdentity().deviceId();
    // Device B of the same account receives licences issued to device A.
    Device deviceB = newDevice("premium", deviceClock(), deviceIdA);

    Playback playback = deviceB.play(APEX, Quality.NORMAL, null);

    assertThat(playback.error).isNotNull();
    assertThat(playback.error.reason()).isEqualTo(PlaybackException.ERROR_DRM_LICENCE_INVALID);
    assertThat(((DrmException) playback.error.getCause()).reason())
        .isEqualTo(DrmException.ERROR_LICENCE_DEVICE_MISMATCH);
    assertThat(playback.samples).isEmpty();
    assertThat(deviceB.licences.licenceRequests.get()).isEqualTo(1);
    assertThat(deviceB.keyStore.contentKeyIds()).isEmpty();
  }

  @Test
  void deviceOfAnotherAccount_isDeniedLicence() throws Exception {
    Device deviceA = newDevice("premium", deviceClock(), null);
    assertThat(deviceA.play(APEX, Quality.NORMAL, null).error).isNull();
    Device freeDevice =
        newDevice("free", deviceClock(), deviceA.keyStore.deviceIdentity().deviceId());

    Playback playback = freeDevice.play(APEX, Quality.NORMAL, null);

    assertThat(playback.error.reason()).isEqualTo(PlaybackException.ERROR_DRM_LICENCE_DENIED);
    assertThat(playback.error.serverCode()).isEqualTo("DEVICE_NOT_OWNED");
    assertThat(playback.samples).isEmpty();
  }

  @Test
  void licenceExpiredOnArrival_refusesPlayback() throws Exception {
    MutableClock clock = deviceClock();
    // Streaming licences last 24 hours by default, so this one has expired when it arrives.
    clock.advance(Duration.ofHours(25));
    Device device = newDevice("premium", clock, null);

    Playback playback = device.play(APEX, Quality.NORMAL, null);

    assertThat(playback.error).isNotNull();
    assertThat(playback.error.reason()).isEqualTo(PlaybackException.ERROR_DRM_LICENCE_EXPIRED);
    assertThat(playback.samples).isEmpty();
    assertThat(device.licences.licenceRequests.get()).isEqualTo(1);
  }

  @Test
  void cachedLicence_replaysWithoutRequests_andRenewsAfterExpiry() throws Exception {
    MutableClock clock = deviceClock();
    Device device = newDevice("premium", clock, null);
    assertThat(device.play(APEX, Quality.NORMAL, null).error).isNull();
    assertThat(device.licences.registrations.get()).isEqualTo(1);
    assertThat(device.licences.licenceRequests.get()).isEqualTo(1);

    assertThat(device.play(APEX, Quality.VERY_HIGH, null).error).isNull();
    Device restarted = device.restart();
    Playback afterRestart = restarted.play(APEX, Quality.NORMAL, null);

    assertThat(afterRestart.error).isNull();
    assertThat(afterRestart.samples).isNotEmpty();
    assertThat(device.licences.licenceRequests.get())
        .as("same instance, other rendition")
        .isEqualTo(1);
    assertThat(restarted.licences.registrations.get()).isZero();
    assertThat(restarted.licences.licenceRequests.get()).isZero();

    serverClock.advance(Duration.ofHours(25));
    clock.advance(Duration.ofHours(25));
    Playback afterExpiry = restarted.play(APEX, Quality.NORMAL, null);

    assertThat(afterExpiry.error).isNull();
    assertThat(restarted.licences.licenceRequests.get()).isEqualTo(1);
  }

  private static MutableClock deviceClock() {
    return new MutableClock(serverClock.millis());
  }

  private Device newDevice(String account, MutableClock clock, String licenceDeviceId)
      throws Exception {
    TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
    if (account.equals("premium")) {
      client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    } else {
      client.login(ReferenceServer.DEMO_FREE_USERNAME, ReferenceServer.DEMO_FREE_PASSWORD);
    }
    String hardwareId = "device-" + deviceCounter.incrementAndGet();
    Path storeFile = deviceDir.resolve(hardwareId).resolve("keys.tks");
    return new Device(client, storeFile, hardwareId, clock, licenceDeviceId);
  }

  private static byte[] fetchObject(TonearmClient client, String trackId, String renditionId)
      throws IOException {
    String url = server.edgeUrls().get(1) + "/objects/" + trackId + "/" + renditionId;
    try (Response response =
        client.httpClient().newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Content-Type")).isEqualTo("application/octet-stream");
      return response.body().bytes();
    }
  }

  private static byte[] storedObject(String trackId, String renditionId) throws IOException {
    dev.tonearm.server.catalog.Rendition rendition =
        server.catalog().track(trackId).orElseThrow().rendition(renditionId).orElseThrow();
    return Files.readAllBytes(
        serverDir.resolve("data/objects").resolve(trackId).resolve(rendition.fileName()));
  }

  /** Decrypts with the server's content key through the JDK, independently of the SDK. */
  private static byte[] decrypt(String trackId, String renditionId, byte[] ciphertext)
      throws Exception {
    Track track = server.catalog().track(trackId).orElseThrow();
    dev.tonearm.server.catalog.Rendition rendition = track.rendition(renditionId).orElseThrow();
    try (ContentKey key = server.keyManagement().contentKey(rendition.encryption().keyId())) {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key.keyBytes(), "AES"),
          new IvParameterSpec(HexFormat.of().parseHex(rendition.encryption().iv())));
      return cipher.doFinal(ciphertext);
    }
  }

  private static void assertNoPlaintext(byte[] haystack, byte[] plaintext, String what) {
    assertThat(haystack).as(what).isNotEqualTo(plaintext);
    assertThat(PlaintextWindows.findWindow(haystack, plaintext, WINDOW_BYTES))
        .as("offset of a %d-byte plaintext window in the %s", WINDOW_BYTES, what)
        .isEqualTo(-1);
  }

  /** Result of playing one track to the end or to an error. */
  private static final class Playback {
    final int[] samples;
    final PlaybackException error;
    final List<String> renditionIds;

    Playback(int[] samples, PlaybackException error, List<String> renditionIds) {
      this.samples = samples;
      this.error = error;
      this.renditionIds = renditionIds;
    }
  }

  /** Records the first error, the chosen renditions, and the end of playback. */
  private static final class Listener implements Player.Listener {
    final CountDownLatch done = new CountDownLatch(1);
    final List<String> renditionIds = Collections.synchronizedList(new ArrayList<>());
    volatile PlaybackException error;

    @Override
    public void onRenditionSelected(String trackId, Rendition rendition) {
      renditionIds.add(rendition.id());
    }

    @Override
    public void onStateChanged(Player.State state) {
      if (state == Player.State.ENDED) {
        done.countDown();
      }
    }

    @Override
    public void onPlayerError(PlaybackException error) {
      if (this.error == null) {
        this.error = error;
      }
      done.countDown();
    }

    void await() throws InterruptedException {
      assertThat(done.await(PLAY_TIMEOUT_S, TimeUnit.SECONDS)).as("playback finished").isTrue();
    }
  }

  /** One SDK device: its session, key store, counting licence client and decryption stage. */
  private final class Device {
    final TonearmClient client;
    final Path storeFile;
    final String hardwareId;
    final MutableClock clock;
    final String licenceDeviceId;
    final DeviceKeyStore keyStore;
    final RecordingLicenceClient licences;
    final DrmContentDecryption decryption;

    Device(
        TonearmClient client,
        Path storeFile,
        String hardwareId,
        MutableClock clock,
        String licenceDeviceId)
        throws DrmException {
      this.client = client;
      this.storeFile = storeFile;
      this.hardwareId = hardwareId;
      this.clock = clock;
      this.licenceDeviceId = licenceDeviceId;
      this.keyStore =
          DeviceKeyStore.builder(
                  new FileKeyStorage(storeFile),
                  () -> hardwareId.getBytes(StandardCharsets.UTF_8),
                  APP_SIGNATURE)
              .clock(clock)
              .open();
      this.licences =
          new RecordingLicenceClient(
              OkHttpLicenceClient.builder().session(client).build(), licenceDeviceId);
      // The app pins the server's signing key, as docs/drm.md recommends.
      LicenceVerifier verifier =
          new LicenceVerifier(
              Collections.singletonList(
                  SigningKey.fromBase64(
                      server.keyManagement().signingKey().keyId(),
                      server.keyManagement().signingKey().publicKey())));
      LicenceManager manager =
          LicenceManager.builder(licences, keyStore, verifier).clock(clock).build();
      this.decryption =
          DrmContentDecryption.builder(manager, keyStore)
              .clock(clock)
              .deviceName(hardwareId)
              .build();
    }

    /** Returns the same device after an app restart: the key store reopened from its file. */
    Device restart() throws DrmException {
      keyStore.close();
      return new Device(client, storeFile, hardwareId, clock, licenceDeviceId);
    }

    Player newPlayer(CapturingSink sink, Quality quality, StreamCache cache, Listener listener) {
      Player player =
          Player.builder()
              .setClient(client)
              .setSink(sink)
              .setDecoderFactory(new RealDecoders())
              .setQuality(quality)
              // A high first estimate lets LOSSLESS pick FLAC before any chunk is timed.
              .setBandwidthMeter(new BandwidthMeter(100_000_000, 0.3, 16 * 1024))
              .setCache(cache)
              .setContentDecryption(decryption)
              .build();
      player.addListener(listener);
      players.add(player);
      return player;
    }

    Playback play(String trackId, Quality quality, StreamCache cache) throws Exception {
      CapturingSink sink = CapturingSink.immediate();
      Listener listener = new Listener();
      Player player = newPlayer(sink, quality, cache, listener);
      player.play(trackId);
      listener.await();
      player.release();
      return new Playback(sink.samples(), listener.error, listener.renditionIds);
    }
  }
}
