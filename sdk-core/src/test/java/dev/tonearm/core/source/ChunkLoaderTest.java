package dev.tonearm.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.buffer.BufferPolicy;
import dev.tonearm.core.cache.ChunkKey;
import dev.tonearm.core.cache.StreamCache;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.quality.BandwidthMeter;
import dev.tonearm.testing.Corpus;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChunkLoader} and {@link TrackStream} streaming a real Ogg Vorbis file from the test
 * corpus over loopback HTTP, in the contract's 262144-byte chunks, with a seek index built from
 * the file's Ogg pages.
 */
class ChunkLoaderTest {
  private static final String OGG = "music/singularity-apex-aleph.ogg";
  private static final String TRACK = "t-1a2b";
  private static final String RENDITION = "vorbis-160";
  private static final int CHUNK_BYTES = 262144;
  private static final long DURATION_MS = 104_463;

  private byte[] ogg;
  private TestOrigin origin;
  private TonearmClient client;
  private ExecutorService executor;
  private final BandwidthMeter meter = new BandwidthMeter();
  private final LoaderEvents events = new LoaderEvents();
  private final List<ChunkLoader> loaders = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path file = Corpus.require(OGG);
    ogg = Files.readAllBytes(file);
    origin = TestOrigin.start(2);
    origin.addTrack(
        TRACK,
        DURATION_MS,
        new TestOrigin.Rendition(
            RENDITION, "vorbis", 160, ogg, CHUNK_BYTES, 48000, 2, 5014240, oggSeekIndex(ogg)));
    client = TonearmClient.builder().setBaseUrl(origin.apiBaseUrl()).build();
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    for (ChunkLoader loader : loaders) {
      loader.close();
    }
    executor.shutdownNow();
    origin.close();
  }

  @Test
  void realOgg_readThroughSource_equalsFileBytes() throws Exception {
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));

    byte[] read = readAll(stream.source(), 4096);

    assertThat(read).isEqualTo(ogg);
    assertThat(origin.objectRequests()).containsExactly(
        range(0), range(1), range(2), range(3), range(4), range(5));
    assertThat(meter.sampleCount()).isEqualTo(6);
    assertThat(events.edges).containsExactly(TRACK + " " + origin.edgeBaseUrls().get(0));
  }

  @Test
  void loading_stopsAtTargetAheadOfReader() throws Exception {
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    stream.source().read(new byte[1000], 0, 1000);
    events.awaitIdle();

    // 30 s at this file's 13753 bytes/s is 412,588 bytes, which ends in chunk 1.
    assertThat(origin.objectRequests()).containsExactly(range(0), range(1));
    assertThat(stream.bufferedAheadMs()).isBetween(30_000L, 40_000L);
    assertThat(stream.isLoadedToEnd()).isFalse();
  }

  @Test
  void seek_insideAndBeyond_loadsOnlyBeyond() throws Exception {
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    ByteSource source = stream.source();
    readFully(source, new byte[100_000]);
    events.awaitIdle();
    int before = origin.objectRequestCount();

    // Back to 50,000: chunks 0 and 1 hold 34 s after it, more than the 30 s target.
    source.seek(50_000);
    byte[] inside = new byte[100];
    readFully(source, inside);
    events.awaitIdle();
    assertThat(inside).isEqualTo(slice(50_000, 100));
    assertThat(origin.objectRequestCount()).isEqualTo(before);

    long frame = 3_600_000; // 75 s
    long pageOffset = stream.seekIndexOffsetFor(frame);
    assertThat(pageOffset).as("beyond the loaded chunks 0 and 1").isGreaterThan(2L * CHUNK_BYTES);
    stream.prepareSeek(pageOffset);
    source.seek(pageOffset);
    byte[] beyond = new byte[4];
    readFully(source, beyond);
    assertThat(beyond).as("an Ogg page starts at the seek index offset")
        .isEqualTo(new byte[] {'O', 'g', 'g', 'S'});
    assertThat(origin.objectRequests().get(before))
        .isEqualTo(range((int) (pageOffset / CHUNK_BYTES)));
  }

  @Test
  void corruptChunk_neverReadable() throws Exception {
    origin.corruptChunk(TRACK, RENDITION, 2);
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    ByteSource source = stream.source();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[10_000];

    PlaybackException failure = null;
    try {
      int count;
      while ((count = source.read(buffer, 0, buffer.length)) > 0) {
        received.write(buffer, 0, count);
      }
    } catch (PlaybackException e) {
      failure = e;
    }

    assertThat(failure).isNotNull();
    assertThat(failure.reason()).isEqualTo(PlaybackException.ERROR_CHUNK_CORRUPT);
    assertThat(failure.getMessage()).contains("chunk 2", TRACK, ChunkDigest.sha256Hex(slice(2L * CHUNK_BYTES, CHUNK_BYTES)));
    assertThat(received.toByteArray()).isEqualTo(slice(0, 2 * CHUNK_BYTES));
    assertThat(stream.isChunkLoaded(2)).isFalse();
    assertThat(stream.failure().reason()).isEqualTo(PlaybackException.ERROR_CHUNK_CORRUPT);
  }

  @Test
  void edgeIgnoresRange_failsWithBadResponse() throws Exception {
    origin.setEdgeMode(TestOrigin.EdgeMode.IGNORE_RANGE);
    assertFirstReadFails(PlaybackException.ERROR_BAD_RESPONSE, "ignored the Range header");
  }

  @Test
  void wrongContentRange_failsBadResponse() throws Exception {
    origin.setEdgeMode(TestOrigin.EdgeMode.WRONG_CONTENT_RANGE);
    assertFirstReadFails(PlaybackException.ERROR_BAD_RESPONSE, "Content-Range");
  }

  @Test
  void truncatedBody_nextEdgeResumes_failsNetwork() throws Exception {
    // Each edge sends half of the requested range and closes the connection.
    origin.setEdgeMode(TestOrigin.EdgeMode.TRUNCATE_BODY);

    assertFirstReadFails(PlaybackException.ERROR_NETWORK, "bytes 131072-262143");

    assertThat(origin.objectRequests())
        .containsExactly(
            range(0),
            "edge-1 /objects/" + TRACK + "/" + RENDITION + " bytes=131072-262143");
  }

  @Test
  void missingObject_failsWithNotFound() throws Exception {
    ChunkLoader loader = newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES);
    Manifest manifest = manifestWithObjectPath("/objects/" + TRACK + "/no-such-rendition");
    TrackStream stream = loader.openStream(manifest, manifest.renditions().get(0));
    loader.setCurrent(stream);

    assertThatThrownBy(() -> stream.source().read(new byte[10], 0, 10))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_NOT_FOUND);
              assertThat(e.serverCode()).isEqualTo("NOT_FOUND");
            });
  }

  @Test
  void retainedLimit_dropsOldChunks_refetches() throws Exception {
    TrackStream stream = currentStream(newLoader(null, 2L * CHUNK_BYTES));
    ByteSource source = stream.source();
    readAll(source, 8192);
    assertThat(stream.retainedBytes()).isLessThanOrEqualTo(2L * CHUNK_BYTES);
    assertThat(stream.isChunkLoaded(0)).isFalse();
    int before = origin.objectRequestCount();

    source.seek(10);
    byte[] again = new byte[50];
    readFully(source, again);

    assertThat(again).isEqualTo(slice(10, 50));
    assertThat(origin.objectRequests().get(before)).isEqualTo(range(0));
  }

  @Test
  void cachedChunks_servedWithoutRequests_andNotMeasured(@TempDir Path dir) throws Exception {
    StreamCache cache = StreamCache.open(dir.resolve("cache"), 8L * 1024 * 1024);
    for (int i = 0; i * CHUNK_BYTES < ogg.length; i++) {
      byte[] chunk = slice((long) i * CHUNK_BYTES, Math.min(CHUNK_BYTES, ogg.length - i * CHUNK_BYTES));
      cache.put(new ChunkKey(TRACK, RENDITION, i), chunk, ChunkDigest.sha256Hex(chunk));
    }
    TrackStream stream = currentStream(newLoader(cache, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));

    assertThat(readAll(stream.source(), 65536)).isEqualTo(ogg);
    assertThat(origin.objectRequestCount()).isZero();
    assertThat(meter.sampleCount()).isZero();
    assertThat(events.edges).isEmpty();
  }

  @Test
  void networkChunks_writtenToCache(@TempDir Path dir) throws Exception {
    StreamCache cache = StreamCache.open(dir.resolve("cache"), 8L * 1024 * 1024);
    TrackStream stream = currentStream(newLoader(cache, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    readAll(stream.source(), 65536);
    events.awaitIdle();

    assertThat(cache.keys()).hasSize(6);
    assertThat(cache.sizeBytes()).isEqualTo(ogg.length);
  }

  @Test
  void close_wakesBlockedReaderWithCancelled() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    ChunkLoader loader =
        ChunkLoader.builder()
            .setHttpClient(client.httpClient())
            .setExecutor(neverRun::add) // Tasks queue up and never run, so the read blocks.
            .build();
    loaders.add(loader);
    Manifest manifest = client.manifest(TRACK);
    TrackStream stream = loader.openStream(manifest, manifest.renditions().get(0));
    stream.setListener(events);
    loader.setCurrent(stream);
    PlaybackException[] thrown = new PlaybackException[1];
    Thread reader =
        new Thread(
            () -> {
              try {
                stream.source().read(new byte[10], 0, 10);
              } catch (PlaybackException e) {
                thrown[0] = e;
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    reader.start();
    events.awaitUnderrun(stream);

    stream.close();
    reader.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(reader.isAlive()).isFalse();
    assertThat(thrown[0].reason()).isEqualTo(PlaybackException.ERROR_CANCELLED);
  }

  @Test
  void seekOutsideObject_rejectedWithOutOfRange() throws Exception {
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    assertThatThrownBy(() -> stream.source().seek(ogg.length + 1))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_OUT_OF_RANGE));
    assertThatThrownBy(() -> stream.source().seek(-1)).isInstanceOf(PlaybackException.class);
  }

  private void assertFirstReadFails(String reason, String messagePart) throws Exception {
    TrackStream stream = currentStream(newLoader(null, ChunkLoader.DEFAULT_MAX_RETAINED_BYTES));
    assertThatThrownBy(() -> stream.source().read(new byte[10], 0, 10))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  private ChunkLoader newLoader(StreamCache cache, long maxRetainedBytes) {
    ChunkLoader loader =
        ChunkLoader.builder()
            .setHttpClient(client.httpClient())
            .setExecutor(executor)
            .setBufferPolicy(BufferPolicy.defaults())
            .setBandwidthMeter(meter)
            .setCache(cache)
            .setClock(new FakeClock(0))
            .setMaxRetainedBytes(maxRetainedBytes)
            // One failover round, so failures surface at once; retries have their own tests.
            .setMaxRetries(0)
            .setListener(events)
            .build();
    loaders.add(loader);
    return loader;
  }

  private TrackStream currentStream(ChunkLoader loader) throws Exception {
    Manifest manifest = client.manifest(TRACK);
    TrackStream stream = loader.openStream(manifest, manifest.renditions().get(0));
    stream.setListener(events);
    loader.setCurrent(stream);
    return stream;
  }

  private Manifest manifestWithObjectPath(String objectPath) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode json = origin.manifestJson(TRACK);
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("renditions").get(0))
        .put("objectPath", objectPath);
    return mapper.treeToValue(json, Manifest.class);
  }

  private String range(int chunk) {
    long start = (long) chunk * CHUNK_BYTES;
    long end = Math.min(start + CHUNK_BYTES, ogg.length) - 1;
    return "edge-0 /objects/" + TRACK + "/" + RENDITION + " bytes=" + start + "-" + end;
  }

  private byte[] slice(long start, int length) {
    byte[] part = new byte[length];
    System.arraycopy(ogg, (int) start, part, 0, length);
    return part;
  }

  private static byte[] readAll(ByteSource source, int bufferSize) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[bufferSize];
    int count;
    while ((count = source.read(buffer, 0, buffer.length)) > 0) {
      all.write(buffer, 0, count);
    }
    return all.toByteArray();
  }

  private static void readFully(ByteSource source, byte[] into) throws IOException {
    int filled = 0;
    while (filled < into.length) {
      int count = source.read(into, filled, into.length - filled);
      if (count < 0) {
        throw new AssertionError("source ended early");
      }
      filled += count;
    }
  }

  /** Builds (frame, byteOffset) pairs about every 10 s from the Ogg pages' granule positions. */
  static List<long[]> oggSeekIndex(byte[] ogg) {
    List<long[]> index = new ArrayList<>();
    ByteBuffer little = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
    long nextFrame = 0;
    long previousGranule = 0;
    for (int i = 0; i + 27 <= ogg.length; i++) {
      if (ogg[i] != 'O' || ogg[i + 1] != 'g' || ogg[i + 2] != 'g' || ogg[i + 3] != 'S') {
        continue;
      }
      long granule = little.getLong(i + 6);
      if (granule <= 0) {
        continue;
      }
      // Decoding from this page yields samples after the previous page's granule position.
      if (previousGranule >= nextFrame) {
        index.add(new long[] {previousGranule, i});
        nextFrame = previousGranule + 480_000;
      }
      previousGranule = granule;
    }
    return index;
  }

  /** Records loader and stream events; waits use monitor notification, not sleeps. */
  private static final class LoaderEvents implements ChunkLoader.Listener, TrackStream.Listener {
    final List<String> edges = new ArrayList<>();
    private boolean loading;
    private boolean everLoaded;
    private final List<TrackStream> underruns = new ArrayList<>();

    @Override
    public synchronized void onLoadingChanged(boolean loading) {
      this.loading = loading;
      everLoaded |= loading;
      notifyAll();
    }

    @Override
    public synchronized void onEdgeSelected(String trackId, String edgeBaseUrl) {
      edges.add(trackId + " " + edgeBaseUrl);
    }

    @Override
    public synchronized void onUnderrun(TrackStream stream) {
      underruns.add(stream);
      notifyAll();
    }

    synchronized void awaitIdle() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (loading || !everLoaded) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0) {
          throw new AssertionError("loader did not become idle");
        }
        wait(leftMs);
      }
    }

    synchronized void awaitUnderrun(TrackStream stream) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!underruns.contains(stream)) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0) {
          throw new AssertionError("reader did not block");
        }
        wait(leftMs);
      }
    }
  }
}
