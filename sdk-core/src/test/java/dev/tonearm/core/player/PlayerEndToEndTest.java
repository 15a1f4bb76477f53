package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.core.quality.Quality;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.EventLog;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import dev.tonearm.testing.WavDecoderFactory;
import dev.tonearm.testing.WavTestDecoder;
import dev.tonearm.testing.WavTrack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole streaming path over real loopback HTTP: API client, manifests, range requests to a
 * test edge, SHA-256 verification, the chunk buffer, a WAV test decoder standing in for the
 * Vorbis and FLAC decoders, and a capturing sink.
 *
 * <p>Tracks are 8 kHz mono 16-bit WAV (16000 bytes/s) in 64 KiB chunks, so a chunk is about 4.1 s
 * of audio and the buffer thresholds of 5, 15 and 30 s span several chunks. Listener callbacks
 * run on the thread that raised them (a direct executor), so the recorded order is the order in
 * which the player and loader acted.
 */
class PlayerEndToEndTest {
  private static final int RATE_HZ = 8000;
  private static final int CHUNK_BYTES = 64 * 1024;

  private final WavTrack trackA = WavTrack.generate(1, RATE_HZ, 1, 40_000);
  private final WavTrack trackB = WavTrack.generate(2, RATE_HZ, 1, 35_000);
  private final WavTrack longTrack = WavTrack.generate(3, RATE_HZ, 1, 60_000);

  private TestOrigin origin;
  private TonearmClient client;
  private ExecutorService loaderExecutor;
  private final List<Player> players = new ArrayList<>();
  private final EventLog log = new EventLog();

  @BeforeEach
  void startOrigin() throws Exception {
    origin = TestOrigin.start(2);
    origin.addTrack("t-a", trackA.durationMs(), wav("vorbis-96", trackA));
    origin.addTrack("t-b", trackB.durationMs(), wav("vorbis-96", trackB));
    origin.addTrack("t-long", longTrack.durationMs(), wav("vorbis-96", longTrack));
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
  void queue_twoTracks_joinSampleExact() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    // Hold the sink shortly before track A ends until the loader has gone idle after starting
    // track B, which means B's first 5 s are verified and buffered. The playback thread can then
    // open B's decoder between writes, as it would with a real-time sink slower than the network.
    long holdFromFrame = trackA.frames() - 2 * RATE_HZ;
    sink.setWriteHook(
        framesBefore -> {
          if (framesBefore >= holdFromFrame && framesBefore < trackA.frames()) {
            listener.awaitMatch(
                events -> {
                  int edgeB = events.indexOf("edge t-b " + origin.edgeBaseUrls().get(0));
                  return edgeB >= 0 && events.subList(edgeB, events.size()).contains("loading false");
                },
                "track B prefetched");
          }
        });
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());

    player.play(Arrays.asList("t-a", "t-b"));
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    assertThat(sink.samples()).isEqualTo(concat(trackA.samples(), trackB.samples()));
    assertThat(sink.calls())
        .as("one open, no drain between tracks of the same format")
        .containsExactly("open 8000 Hz, 1 ch, 16 bit", "drain");
    assertThat(log.indexOf("header decoder-2"))
        .as("next decoder read its headers before the current one ended")
        .isGreaterThanOrEqualTo(0)
        .isLessThan(log.indexOf("end decoder-1"));
    assertThat(listener.events())
        .containsSubsequence(
            "track t-a 0 PLAY",
            "rendition t-a vorbis-96 96",
            "edge t-a " + origin.edgeBaseUrls().get(0),
            "state PLAYING",
            "track t-b 1 AUTO",
            "state ENDED");
    assertThat(origin.manifestRequests()).containsExactly("t-a", "t-b");
  }

  @Test
  void formatChange_betweenTracks_drainsAndReopensSink() throws Exception {
    WavTrack wide = WavTrack.generate(4, 16_000, 2, 3_000);
    origin.addTrack("t-wide", wide.durationMs(), wav("vorbis-96", wide));
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());

    player.play(Arrays.asList("t-b", "t-wide"));
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    assertThat(sink.calls())
        .containsExactly(
            "open 8000 Hz, 1 ch, 16 bit", "drain", "open 16000 Hz, 2 ch, 16 bit", "drain");
    assertThat(sink.samples()).isEqualTo(concat(trackB.samples(), wide.samples()));
  }

  @Test
  void release_whileWaitingForData_reportsNoError() throws Exception {
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    // The loader executor never runs tasks, so the decoder blocks on the first chunk.
    List<Runnable> neverRun = new ArrayList<>();
    ExecutorService stalled =
        new java.util.concurrent.AbstractExecutorService() {
          private boolean shutdown;

          @Override
          public void execute(Runnable command) {
            neverRun.add(command);
          }

          @Override
          public void shutdown() {
            shutdown = true;
          }

          @Override
          public List<Runnable> shutdownNow() {
            shutdown = true;
            return neverRun;
          }

          @Override
          public boolean isShutdown() {
            return shutdown;
          }

          @Override
          public boolean isTerminated() {
            return shutdown;
          }

          @Override
          public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
          }
        };
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(new WavDecoderFactory(log))
            .setLoaderExecutor(stalled)
            .setListenerExecutor(Runnable::run)
            .build();
    player.addListener(listener);
    player.play("t-a");
    listener.await("buffer BUFFERING");

    player.release();

    assertThat(player.state()).isEqualTo(Player.State.IDLE);
    assertThat(listener.errors()).isEmpty();
    assertThat(sink.calls()).containsExactly("close");
  }

  @Test
  void seek_insideAndBeyondBuffer_requestsOnlyBeyond() throws Exception {
    CapturingSink sink = CapturingSink.gated();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());
    sink.permitWrites(3);
    player.play("t-long");
    sink.awaitBlockedAfter(3);
    listener.awaitLoadingIdle();
    int requestsBeforeSeek = origin.objectRequestCount();
    assertThat(requestsBeforeSeek).as("chunks for 30 s ahead, not the whole track").isBetween(8, 9);

    player.seekTo(250);
    sink.permitWrites(2); // The write held at the gate, then the first block after the seek.
    sink.awaitBlockedAfter(5);
    listener.awaitLoadingIdle();

    assertThat(sink.write(4)[0]).isEqualTo(longTrack.sample(2000, 0));
    assertThat(sink.write(4)).hasSize(WavTestDecoder.BLOCK_FRAMES);
    assertThat(origin.objectRequestCount())
        .as("seek inside the buffered range sends no request")
        .isEqualTo(requestsBeforeSeek);

    player.seekTo(50_000);
    sink.permitWrites(2);
    sink.awaitBlockedAfter(7);
    listener.awaitLoadingIdle();

    assertThat(sink.write(6)[0]).isEqualTo(longTrack.sample(400_000, 0));
    List<String> afterSeek =
        origin.objectRequests().subList(requestsBeforeSeek, origin.objectRequestCount());
    long seekPointOffset = longTrack.byteOffsetOf(400_000);
    int seekChunk = (int) (seekPointOffset / CHUNK_BYTES);
    assertThat(afterSeek)
        .as("loading restarts at the chunk holding the seek index entry for 50 s")
        .containsExactly(rangeRequest("t-long", seekChunk), rangeRequest("t-long", seekChunk + 1),
            rangeRequest("t-long", seekChunk + 2));
    assertThat(listener.events()).contains("state BUFFERING", "state PLAYING");
  }

  @Test
  void corruptChunk_rejectedWithReason_neverReachesDecoder() throws Exception {
    origin.corruptChunk("t-a", "vorbis-96", 3);
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    WavDecoderFactory factory = new WavDecoderFactory(log);
    Player player =
        newPlayer(sink, listener, null, new BandwidthMeter(), factory, Quality.NORMAL);

    player.play("t-a");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).hasSize(1);
    PlaybackException error = listener.errors().get(0);
    assertThat(error.reason()).isEqualTo(PlaybackException.ERROR_CHUNK_CORRUPT);
    assertThat(error.getMessage()).contains("chunk 3");
    byte[] decoded = factory.decoders().get(0).bytesRead();
    assertThat(decoded.length).isLessThanOrEqualTo(3 * CHUNK_BYTES);
    assertThat(decoded).isEqualTo(Arrays.copyOf(trackA.bytes(), decoded.length));
    int[] played = sink.samples();
    assertThat(played).isEqualTo(Arrays.copyOf(trackA.samples(), played.length));
    listener.await("state IDLE");
  }

  @Test
  void expiredToken_refreshedOnce_playbackCompletes() throws Exception {
    origin.expireAccessTokenAfterObjectRequests(2);
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());

    player.play("t-a");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).isEmpty();
    assertThat(origin.refreshCount()).isEqualTo(1);
    assertThat(sink.samples()).isEqualTo(trackA.samples());
  }

  @Test
  void refreshRejected_failsWithAuthReason() throws Exception {
    origin.expireAccessTokenAfterObjectRequests(1);
    origin.rejectRefresh(true);
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());

    player.play("t-a");
    listener.awaitEndedOrError();

    assertThat(listener.errors()).extracting(PlaybackException::reason)
        .containsExactly(PlaybackException.ERROR_AUTH_FAILED);
    assertThat(origin.refreshCount()).isEqualTo(1);
    assertThat(client.tokenStore().tokens()).as("rejected refresh token clears the session")
        .isNull();
  }

  @Test
  void secondPlay_afterRestart_servedFromCache(@TempDir Path dir)
      throws Exception {
    Path cacheDir = dir.resolve("stream-cache");
    StreamCache firstCache = StreamCache.open(cacheDir, 8L * 1024 * 1024);
    CapturingSink firstSink = CapturingSink.immediate();
    RecordingListener firstListener = new RecordingListener();
    Player first = newPlayer(firstSink, firstListener, firstCache, new BandwidthMeter());
    first.play("t-a");
    firstListener.awaitEndedOrError();
    firstListener.awaitLoadingIdle(); // The last chunk's cache write follows its hand-over.
    first.release();
    firstCache.close();
    int requestsAfterFirstPlay = origin.objectRequestCount();
    assertThat(requestsAfterFirstPlay)
        .as("requests %s", origin.objectRequests())
        .isEqualTo(trackA.bytes().length / CHUNK_BYTES + 1);

    StreamCache secondCache = StreamCache.open(cacheDir, 8L * 1024 * 1024);
    CapturingSink secondSink = CapturingSink.immediate();
    RecordingListener secondListener = new RecordingListener();
    Player second = newPlayer(secondSink, secondListener, secondCache, new BandwidthMeter());
    second.play("t-a");
    secondListener.awaitEndedOrError();

    assertThat(secondListener.errors()).isEmpty();
    assertThat(origin.objectRequestCount()).isEqualTo(requestsAfterFirstPlay);
    assertThat(secondSink.samples()).isEqualTo(trackA.samples());
    assertThat(secondListener.events()).noneMatch(event -> event.startsWith("edge "));
    secondCache.close();
  }

  @Test
  void qualitySetting_cappedByMeasuredBandwidth() throws Exception {
    WavTrack low = WavTrack.generate(10, RATE_HZ, 1, 20_000);
    WavTrack normal = WavTrack.generate(11, RATE_HZ, 1, 20_000);
    WavTrack high = WavTrack.generate(12, RATE_HZ, 1, 20_000);
    origin.addTrack(
        "t-ladder",
        low.durationMs(),
        wav("vorbis-24", 24, low),
        wav("vorbis-96", 96, normal),
        wav("vorbis-160", 160, high));

    CapturingSink uncappedSink = CapturingSink.immediate();
    RecordingListener uncapped = new RecordingListener();
    Player fast =
        newPlayer(
            uncappedSink,
            uncapped,
            null,
            new BandwidthMeter(10_000_000, 0.3, 16 * 1024),
            new WavDecoderFactory(log),
            Quality.HIGH);
    fast.play("t-ladder");
    uncapped.awaitEndedOrError();
    assertThat(uncapped.events()).contains("rendition t-ladder vorbis-160 160");
    assertThat(uncappedSink.samples()).isEqualTo(high.samples());

    CapturingSink cappedSink = CapturingSink.immediate();
    RecordingListener capped = new RecordingListener();
    Player slow =
        newPlayer(
            cappedSink,
            capped,
            null,
            new BandwidthMeter(100_000, 0.3, 16 * 1024),
            new WavDecoderFactory(log),
            Quality.HIGH);
    slow.play("t-ladder");
    capped.awaitEndedOrError();
    assertThat(capped.events()).as("100 kbit/s * 0.75 allows only 24 kbit/s")
        .contains("rendition t-ladder vorbis-24 24");
    assertThat(cappedSink.samples()).isEqualTo(low.samples());
  }

  @Test
  void skipToNext_startsNextTrack() throws Exception {
    CapturingSink sink = CapturingSink.gated();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());
    sink.permitWrites(2);
    player.play(Arrays.asList("t-a", "t-b"));
    sink.awaitBlockedAfter(2);

    player.skipToNext();
    sink.permitWrites(2);
    sink.awaitBlockedAfter(4);

    assertThat(sink.write(3)).isEqualTo(Arrays.copyOf(trackB.samples(), 1024));
    assertThat(listener.events()).contains("track t-b 1 SKIP");
    assertThat(player.currentTrackId()).isEqualTo("t-b");
  }

  @Test
  void pause_holdsPlayback_resumeContinuesWhereItStopped() throws Exception {
    CapturingSink sink = CapturingSink.gated();
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(sink, listener, null, new BandwidthMeter());
    sink.permitWrites(1);
    player.play("t-a");
    sink.awaitBlockedAfter(1);

    player.pause();
    sink.permitWrites(1); // The held write completes, and then the loop handles the pause.
    listener.await("state PAUSED");
    sink.permitWrites(5);
    assertThat(sink.writeCount()).isEqualTo(2);

    player.resume();
    sink.awaitBlockedAfter(7);
    assertThat(sink.samples()).isEqualTo(Arrays.copyOf(trackA.samples(), 7 * 1024));
  }

  @Test
  void unknownTrack_failsWithNotFound() throws Exception {
    RecordingListener listener = new RecordingListener();
    Player player = newPlayer(CapturingSink.immediate(), listener, null, new BandwidthMeter());

    player.play("t-missing");
    listener.awaitEndedOrError();

    listener.await("state IDLE");
    assertThat(listener.errors()).extracting(PlaybackException::reason)
        .containsExactly(PlaybackException.ERROR_NOT_FOUND);
    assertThat(player.state()).isEqualTo(Player.State.IDLE);
  }

  private Player newPlayer(
      CapturingSink sink, RecordingListener listener, StreamCache cache, BandwidthMeter meter) {
    return newPlayer(sink, listener, cache, meter, new WavDecoderFactory(log), Quality.NORMAL);
  }

  private Player newPlayer(
      CapturingSink sink,
      RecordingListener listener,
      StreamCache cache,
      BandwidthMeter meter,
      WavDecoderFactory factory,
      Quality quality) {
    Player player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(factory)
            .setQuality(quality)
            .setCache(cache)
            .setClock(new FakeClock(0))
            .setLoaderExecutor(loaderExecutor)
            .setListenerExecutor(Runnable::run)
            .setBandwidthMeter(meter)
            // One failover round, so failures surface at once; retries have their own tests.
            .setMaxRetries(0)
            .build();
    player.addListener(listener);
    players.add(player);
    return player;
  }

  private String rangeRequest(String trackId, int chunk) {
    long start = (long) chunk * CHUNK_BYTES;
    long size = longTrack.bytes().length;
    long end = Math.min(start + CHUNK_BYTES, size) - 1;
    return "edge-0 /objects/" + trackId + "/vorbis-96 bytes=" + start + "-" + end;
  }

  private static TestOrigin.Rendition wav(String id, WavTrack track) {
    return wav(id, 96, track);
  }

  private static TestOrigin.Rendition wav(String id, int bitrateKbps, WavTrack track) {
    return TestOrigin.Rendition.ofWav(id, bitrateKbps, track, CHUNK_BYTES);
  }

  private static int[] concat(int[] first, int[] second) {
    int[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
