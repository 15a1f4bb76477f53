package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.player.PcmProcessor;
import dev.tonearm.core.player.Player;
import dev.tonearm.drm.DeviceIdentity;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.offline.DownloadState;
import dev.tonearm.offline.DrmOfflineKeyStore;
import dev.tonearm.offline.HttpAuthorisationClient;
import dev.tonearm.offline.OfflineException;
import dev.tonearm.offline.OfflineManager;
import dev.tonearm.offline.OfflinePlayback;
import dev.tonearm.offline.OkHttpDownloadTransport;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.catalog.CatalogObjectLocator;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.ExternalTool;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline downloads end to end against the real reference server on loopback: the SDK's {@link
 * OfflineManager} with the HTTP authorisation client, the OkHttp transport and the DRM key store,
 * then playback through the ordinary {@link Player} with {@link OfflinePlayback} after the server
 * is closed. The expected audio comes from an independent path: the server's stored object,
 * decrypted with the content key from its key management service and decoded directly.
 */
class OfflinePlaybackAcceptanceTest {
  /** Hang guard for downloads and playback; both take seconds on loopback. */
  private static final long TIMEOUT_S = 300;

  private static final byte[] APP_SIGNATURE =
      "tonearm-offline-e2e".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void premiumDownloads_playWithServerClosed_sampleExact() throws Exception {
    assumeVorbisTools();
    ReferenceServer server = startServer();
    List<String> trackIds;
    List<int[]> expected = new ArrayList<>();
    List<String> expectedRenditions = new ArrayList<>();
    DeviceKeyStore keyStore = openKeyStore("premium-phone");
    OfflineManager offline;
    String apiUrl = server.apiUrl();
    try {
      TonearmClient client = login(server, true);
      trackIds = client.demoPlaylist().trackIds().subList(0, 2);
      registerDrmDevice(client, keyStore.deviceIdentity());
      offline = openOffline(server, client, keyStore, dir.resolve("offline"));

      offline.registerDevice("Acceptance phone");
      offline.downloads().download(trackIds);
      assertThat(offline.downloads().awaitIdle(TimeUnit.SECONDS.toMillis(TIMEOUT_S)))
          .as("downloads finished")
          .isTrue();

      for (String trackId : trackIds) {
        assertThat(offline.downloads().getDownload(trackId).state())
            .as("state of " + trackId)
            .isEqualTo(DownloadState.AVAILABLE);
        dev.tonearm.server.catalog.Rendition rendition =
            CatalogObjectLocator.downloadRendition(server.catalog().track(trackId).orElseThrow())
                .orElseThrow();
        expectedRenditions.add(rendition.id());
        expected.add(decodeAll(decryptStoredObject(server, trackId, rendition)));
      }
    } finally {
      server.close();
    }
    assertThatThrownBy(() -> URI.create(apiUrl).toURL().openStream().close())
        .as("the API no longer accepts connections")
        .isInstanceOf(ConnectException.class);

    TonearmClient offlineClient = TonearmClient.builder().setBaseUrl(apiUrl).build();
    CapturingSink sink = CapturingSink.immediate();
    Map<String, String> played = new ConcurrentHashMap<>();
    OfflinePlayback source = new OfflinePlayback(offline.catalog(), keyStore.deviceIdentity());
    PlaybackException error = play(offlineClient, sink, source, trackIds, played);

    assertThat(error).as("player error").isNull();
    for (int i = 0; i < trackIds.size(); i++) {
      assertThat(played.get(trackIds.get(i))).isEqualTo(expectedRenditions.get(i));
    }
    int[] joined = concat(expected);
    assertThat(joined.length).as("samples of the reference decodes").isPositive();
    int[] samples = sink.samples();
    assertThat(samples.length).isEqualTo(joined.length);
    assertThat(firstDifference(samples, joined))
        .as("index of the first differing sample")
        .isEqualTo(-1);
    offline.close();
    keyStore.close();
  }

  @Test
  void freeAccount_rejectedPremiumRequired_noByteWritten() throws Exception {
    assumeVorbisTools();
    try (ReferenceServer server = startServer()) {
      TonearmClient client = login(server, false);
      String trackId = client.demoPlaylist().trackIds().get(0);
      DeviceKeyStore keyStore = openKeyStore("free-phone");
      registerDrmDevice(client, keyStore.deviceIdentity());
      Path offlineRoot = dir.resolve("offline");
      OfflineManager offline = openOffline(server, client, keyStore, offlineRoot);

      assertThatThrownBy(() -> offline.registerDevice("Free phone"))
          .isInstanceOf(OfflineException.class)
          .extracting(e -> ((OfflineException) e).reason())
          .isEqualTo(OfflineException.Reason.PREMIUM_REQUIRED);

      offline.downloads().download(trackId);
      assertThat(offline.downloads().awaitIdle(TimeUnit.SECONDS.toMillis(TIMEOUT_S))).isTrue();

      assertThat(offline.downloads().getDownload(trackId).failureReason())
          .isEqualTo(OfflineException.Reason.PREMIUM_REQUIRED);
      assertThat(offline.downloads().getDownload(trackId).state())
          .isEqualTo(DownloadState.FAILED);
      assertThat(offline.downloads().getUsedBytes()).isZero();
      assertThat(offline.catalog().isAvailable(trackId)).isFalse();
      assertThat(objectFiles(offlineRoot)).isEmpty();
      assertThat(keyStore.contentKeyIds()).isEmpty();
      offline.close();
      keyStore.close();
    }
  }

  private static void assumeVorbisTools() {
    assumeTrue(
        ExternalTool.isInstalled("oggdec") && ExternalTool.isInstalled("oggenc"),
        "oggdec and oggenc (Debian package vorbis-tools) are needed to ingest the demo tracks");
  }

  private ReferenceServer startServer() throws Exception {
    return ReferenceServer.builder()
        .dataDir(dir.resolve("server"))
        .apiPort(0)
        .edgeCount(2)
        .passwordHashIterations(1_000)
        .demoVorbisLadderKbps(List.of(96, 160))
        .build()
        .start();
  }

  private static TonearmClient login(ReferenceServer server, boolean premium) throws Exception {
    TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
    if (premium) {
      client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    } else {
      client.login(ReferenceServer.DEMO_FREE_USERNAME, ReferenceServer.DEMO_FREE_PASSWORD);
    }
    return client;
  }

  private DeviceKeyStore openKeyStore(String hardwareId) throws Exception {
    return DeviceKeyStore.builder(
            new FileKeyStorage(dir.resolve("keys-" + hardwareId).resolve("keys.tks")),
            () -> hardwareId.getBytes(StandardCharsets.UTF_8),
            APP_SIGNATURE)
        .open();
  }

  /** Registers the device's key pair, which offline registration requires. */
  private static void registerDrmDevice(TonearmClient client, DeviceIdentity identity)
      throws Exception {
    OkHttpLicenceClient.builder()
        .session(client)
        .build()
        .registerDevice(identity.deviceId(), identity.publicKeyBase64(), "acceptance device");
  }

  private static OfflineManager openOffline(
      ReferenceServer server, TonearmClient client, DeviceKeyStore keyStore, Path root)
      throws IOException {
    OkHttpClient http = new OkHttpClient();
    OkHttpDownloadTransport.AccessTokenProvider tokens =
        () -> client.tokenStore().tokens().accessToken();
    String deviceId = keyStore.deviceIdentity().deviceId();
    return OfflineManager.builder(root)
        .setAuthorisationClient(
            new HttpAuthorisationClient(http, server.apiUrl(), deviceId, tokens, true))
        .setDownloadTransport(new OkHttpDownloadTransport(http, tokens))
        .setKeyStore(new DrmOfflineKeyStore(keyStore))
        .build();
  }

  private static PlaybackException play(
      TonearmClient client,
      CapturingSink sink,
      OfflinePlayback source,
      List<String> trackIds,
      Map<String, String> renditions)
      throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<PlaybackException> failure = new AtomicReference<>();
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setPcmProcessor(PcmProcessor.NONE)
            .setOfflineSource(source)
            .build();
    player.addListener(
        new Player.Listener() {
          @Override
          public void onStateChanged(Player.State state) {
            if (state == Player.State.ENDED) {
              ended.countDown();
            }
          }

          @Override
          public void onRenditionSelected(String trackId, Rendition rendition) {
            renditions.put(trackId, rendition.id());
          }

          @Override
          public void onPlayerError(PlaybackException error) {
            failure.compareAndSet(null, error);
            ended.countDown();
          }
        });
    try {
      player.play(trackIds);
      assertThat(ended.await(TIMEOUT_S, TimeUnit.SECONDS)).as("playback ended").isTrue();
    } finally {
      player.release();
    }
    return failure.get();
  }

  /** Decrypts the server's stored object with the KMS content key through the JDK. */
  private Path decryptStoredObject(
      ReferenceServer server, String trackId, dev.tonearm.server.catalog.Rendition rendition)
      throws Exception {
    byte[] ciphertext =
        Files.readAllBytes(
            dir.resolve("server/objects").resolve(trackId).resolve(rendition.fileName()));
    Path plain = Files.createTempFile(dir, "plain-", ".ogg");
    try (ContentKey key = server.keyManagement().contentKey(rendition.encryption().keyId())) {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key.keyBytes(), "AES"),
          new IvParameterSpec(HexFormat.of().parseHex(rendition.encryption().iv())));
      Files.write(plain, cipher.doFinal(ciphertext));
    }
    return plain;
  }

  private static int[] decodeAll(Path file) throws IOException {
    int[] all = new int[1 << 20];
    int count = 0;
    try (Decoder decoder = Decoders.open(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        int samples = frames * buffer.format.channels();
        if (count + samples > all.length) {
          all = Arrays.copyOf(all, Math.max(all.length * 2, count + samples));
        }
        System.arraycopy(buffer.samples, 0, all, count, samples);
        count += samples;
      }
    }
    return Arrays.copyOf(all, count);
  }

  private static List<Path> objectFiles(Path offlineRoot) throws IOException {
    Path objects = offlineRoot.resolve("objects");
    if (!Files.exists(objects)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(objects)) {
      return files.toList();
    }
  }

  private static int[] concat(List<int[]> parts) {
    int total = parts.stream().mapToInt(part -> part.length).sum();
    int[] joined = new int[total];
    int offset = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, joined, offset, part.length);
      offset += part.length;
    }
    return joined;
  }

  private static int firstDifference(int[] a, int[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return a.length == b.length ? -1 : Math.min(a.length, b.length);
  }
}
