package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.ByteArrayByteSource;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.EventLog;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import dev.tonearm.testing.WavDecoderFactory;
import dev.tonearm.testing.WavTrack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The player's offline seam: a stored track plays from the {@link OfflineSource} with no manifest
 * or object request, and other tracks still stream from the loopback test origin.
 */
class PlayerOfflineSourceTest {
  private static final int RATE_HZ = 8000;
  private static final int CHUNK_BYTES = 64 * 1024;

  private final WavTrack stored = WavTrack.generate(3, RATE_HZ, 1, 30_000);
  private final WavTrack streamed = WavTrack.generate(4, RATE_HZ, 1, 10_000);
  private final EventLog log = new EventLog();
  private final List<Player> players = new ArrayList<>();

  private TestOrigin origin;
  private TonearmClient client;
  private ExecutorService loaderExecutor;
  private Manifest storedManifest;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(1);
    // The origin serves t-stored only so that the test can build its manifest JSON. The tests
    // check that playback never requests it.
    origin.addTrack(
        "t-stored",
        stored.durationMs(),
        TestOrigin.Rendition.ofWav("vorbis-160", 160, stored, CHUNK_BYTES));
    origin.addTrack(
        "t-stream",
        streamed.durationMs(),
        TestOrigin.Rendition.ofWav("vorbis-96", 96, streamed, CHUNK_BYTES));
    storedManifest =
        TonearmClient.parseManifest(
            new ObjectMapper().writeValueAsBytes(origin.manifestJson("t-stored")));
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
  void queue_storedAndStreamed_bothPlay() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    StoredSource source = new StoredSource();

    newPlayer(sink, listener, source).play(Arrays.asList("t-stored", "t-stream"));
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    assertThat(sink.samples()).isEqualTo(concat(stored.samples(), streamed.samples()));
    assertThat(origin.manifestRequests()).doesNotContain("t-stored");
    assertThat(origin.manifestRequests()).contains("t-stream");
    assertThat(origin.objectRequests()).noneMatch(request -> request.contains("t-stored"));
    assertThat(source.opened.isClosed()).as("stored source closed after playback").isTrue();
  }

  @Test
  void storedTrack_originClosed_playsExactly() throws Exception {
    origin.close();
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();

    newPlayer(sink, listener, new StoredSource()).play("t-stored");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    assertThat(sink.samples()).isEqualTo(stored.samples());
  }

  @Test
  void storedTrack_seek_readsFromTargetFrame() throws Exception {
    CapturingSink sink = CapturingSink.gated();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, new StoredSource());
    sink.permitWrites(2);
    player.play("t-stored");
    sink.awaitBlockedAfter(2);

    player.seekTo(20_001);
    sink.permitWrites(2); // The write held at the gate, then the first block after the seek.
    sink.awaitBlockedAfter(4);

    long targetFrame = 20_001L * RATE_HZ / 1000;
    assertThat(sink.write(3)[0]).isEqualTo(stored.sample(targetFrame, 0));
    assertThat(origin.objectRequestCount()).isZero();
  }

  @Test
  void sourceFailure_stopsWithItsReason() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    OfflineSource failing =
        trackId -> {
          throw new PlaybackException(
              PlaybackException.ERROR_OFFLINE_STORAGE, "stored file of " + trackId + " is gone");
        };

    newPlayer(sink, listener, failing).play("t-stored");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).hasSize(1);
    assertThat(listener.errors().get(0).reason())
        .isEqualTo(PlaybackException.ERROR_OFFLINE_STORAGE);
    assertThat(sink.samples()).isEmpty();
    assertThat(origin.manifestRequests()).isEmpty();
  }

  private Player newPlayer(CapturingSink sink, RecordingListener listener, OfflineSource source) {
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(new WavDecoderFactory(log))
            .setClock(new FakeClock(0))
            .setLoaderExecutor(loaderExecutor)
            .setListenerExecutor(Runnable::run)
            .setPcmProcessor(PcmProcessor.NONE)
            .setOfflineSource(source)
            .build();
    player.addListener(listener);
    players.add(player);
    return player;
  }

  private static int[] concat(int[] first, int[] second) {
    int[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /** Stores t-stored in memory; every other track is not stored. */
  private final class StoredSource implements OfflineSource {
    volatile ByteArrayByteSource opened;

    @Override
    public StoredTrack open(String trackId) {
      if (!trackId.equals("t-stored")) {
        return null;
      }
      opened = new ByteArrayByteSource(stored.bytes());
      return new StoredTrack(storedManifest, storedManifest.rendition("vorbis-160"), opened);
    }
  }
}
