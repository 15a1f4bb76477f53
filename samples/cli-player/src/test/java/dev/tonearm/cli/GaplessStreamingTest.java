package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.player.PcmProcessor;
import dev.tonearm.core.player.Player;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.drm.ContentKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plays two demo tracks back to back from a real embedded reference server over loopback into a
 * WAV file, with the CLI's decryption stage, and checks that the file is exactly the two tracks'
 * own decodes joined: no sample inserted, dropped or changed at the boundary.
 */
class GaplessStreamingTest {
  /** Hang guard for the whole playback; the two tracks decode in seconds. */
  private static final long PLAYBACK_TIMEOUT_S = 300;

  @Test
  void twoDemoTracks_joinSampleExactly(@TempDir Path dir) throws Exception {
    try (ReferenceServer server =
        ReferenceServer.builder()
            .dataDir(dir.resolve("server"))
            .apiPort(0)
            .edgeCount(2)
            .passwordHashIterations(1_000)
            .build()
            .start()) {
      TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
      client.login(DemoCommand.PREMIUM_USER, DemoCommand.PREMIUM_PASSWORD);
      List<String> trackIds = client.demoPlaylist().trackIds().subList(0, 2);
      Path wav = dir.resolve("played.wav");

      Map<String, Rendition> chosen =
          playToWav(
              client,
              CliDecryption.open(
                  client,
                  dir.resolve("device").resolve("keys.tks"),
                  () -> "gapless-test-device".getBytes(StandardCharsets.UTF_8)),
              trackIds,
              wav);

      List<int[]> expected = new ArrayList<>();
      PcmFormat expectedFormat = null;
      for (String trackId : trackIds) {
        Rendition rendition = chosen.get(trackId);
        assertThat(rendition).as("rendition announced for " + trackId).isNotNull();
        Path object = download(server, client, client.manifest(trackId), rendition, dir);
        DecodedPcm own = decodeAll(Decoders.open(new FileByteSource(object)));
        assertThat(own.samples.length).isPositive();
        expected.add(own.samples);
        expectedFormat = own.format;
      }
      DecodedPcm played = decodeAll(WavReader.open(wav));

      assertThat(played.format).isEqualTo(expectedFormat);
      int[] joined = concat(expected);
      assertThat(played.samples.length).isEqualTo(joined.length);
      int firstDifference = firstDifference(played.samples, joined);
      assertThat(firstDifference).as("index of the first differing sample").isEqualTo(-1);
    }
  }

  private static Map<String, Rendition> playToWav(
      TonearmClient client, ContentDecryption decryption, List<String> trackIds, Path wav)
      throws Exception {
    Map<String, Rendition> chosen = new ConcurrentHashMap<>();
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<PlaybackException> failure = new AtomicReference<>();
    try (WavFileSink sink = WavFileSink.builder(wav).build()) {
      Player player =
          Player.builder()
              .setClient(client)
              .setSink(sink)
              .setPcmProcessor(PcmProcessor.NONE)
              .setContentDecryption(decryption)
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
              chosen.put(trackId, rendition);
            }

            @Override
            public void onPlayerError(PlaybackException error) {
              failure.set(error);
              ended.countDown();
            }
          });
      try {
        player.play(trackIds);
        assertThat(ended.await(PLAYBACK_TIMEOUT_S, TimeUnit.SECONDS)).as("playback ended").isTrue();
      } finally {
        player.release();
      }
      assertThat(failure.get()).as("player error").isNull();
      assertThat(sink.files()).as("one WAV file for one format").hasSize(1);
    }
    return chosen;
  }

  /**
   * Fetches a rendition's object from the first edge, as any HTTP client would, and decrypts it
   * with the track's content key from the server, independently of the SDK.
   */
  private static Path download(
      ReferenceServer server,
      TonearmClient client,
      Manifest manifest,
      Rendition rendition,
      Path dir)
      throws Exception {
    String url = manifest.edges().get(0) + rendition.objectPath();
    String token = client.tokenStore().tokens().accessToken();
    Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + token)
        .build();
    Path file = Files.createTempFile(dir, "object-", ".bin");
    try (Response response = client.httpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      byte[] ciphertext = response.body().bytes();
      Encryption encryption = rendition.encryption();
      try (ContentKey key = server.keyManagement().contentKey(encryption.keyId())) {
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE,
            new SecretKeySpec(key.keyBytes(), "AES"),
            new IvParameterSpec(HexFormat.of().parseHex(encryption.iv())));
        Files.write(file, cipher.doFinal(ciphertext));
      }
    }
    return file;
  }

  private static final class DecodedPcm {
    PcmFormat format;
    int[] samples;
  }

  private static DecodedPcm decodeAll(Decoder decoder) throws IOException {
    DecodedPcm result = new DecodedPcm();
    int[] all = new int[1 << 20];
    int count = 0;
    try (Decoder open = decoder) {
      PcmBuffer buffer = new PcmBuffer();
      int frames;
      while ((frames = open.read(buffer)) > 0) {
        result.format = buffer.format;
        int samples = frames * buffer.format.channels();
        if (count + samples > all.length) {
          all = java.util.Arrays.copyOf(all, Math.max(all.length * 2, count + samples));
        }
        System.arraycopy(buffer.samples, 0, all, count, samples);
        count += samples;
      }
    }
    result.samples = java.util.Arrays.copyOf(all, count);
    return result;
  }

  private static int[] concat(List<int[]> parts) {
    int total = 0;
    for (int[] part : parts) {
      total += part.length;
    }
    int[] joined = new int[total];
    int offset = 0;
    for (int[] part : Collections.unmodifiableList(parts)) {
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
