package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Loudness;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.source.EdgeSelector;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.EventLog;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import dev.tonearm.testing.WavDecoderFactory;
import dev.tonearm.testing.WavTestDecoder;
import dev.tonearm.testing.WavTrack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Errors thrown by plug-ins on the playback thread and on loader threads, over the same real
 * loopback origin, chunk verification and WAV test decoder as {@link PlayerEndToEndTest}.
 *
 * <p>The out-of-memory and stack-overflow cases are real JVM errors: an array larger than the VM
 * allows, and unbounded recursion. The test replaces the default uncaught exception handler while
 * it runs, to see which errors the player rethrows and on which thread.
 */
class PlayerUnexpectedErrorTest {
  private static final int RATE_HZ = 8000;
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final long WAIT_LIMIT_SECONDS = 20;
  private static final String LOADER_THREAD_PREFIX = "test-loader-";

  /** Keeps the array that the out-of-memory case requests reachable, if it were ever allocated. */
  @SuppressWarnings("unused")
  private static volatile long[] retained;

  /** The error that a plug-in throws. */
  enum Failure {
    OUT_OF_MEMORY(OutOfMemoryError.class) {
      @Override
      void raise() {
        retained = new long[Integer.MAX_VALUE];
      }
    },
    STACK_OVERFLOW(StackOverflowError.class) {
      @Override
      void raise() {
        recurse(0);
      }
    },
    ASSERTION(AssertionError.class) {
      @Override
      void raise() {
        throw new AssertionError("plug-in invariant broken");
      }
    },
    LINKAGE(NoClassDefFoundError.class) {
      @Override
      void raise() {
        throw new NoClassDefFoundError("dev/tonearm/test/MissingClass");
      }
    };

    final Class<? extends Error> type;

    Failure(Class<? extends Error> type) {
      this.type = type;
    }

    abstract void raise();

    boolean isRethrown() {
      return VirtualMachineError.class.isAssignableFrom(type);
    }

    private static int recurse(int depth) {
      return recurse(depth + 1) + 1;
    }
  }

  /** The plug-in that throws, and the thread it runs on. */
  enum Seam {
    PCM_PROCESSOR(Player.PLAYBACK_THREAD_NAME),
    DECODER_FACTORY(Player.PLAYBACK_THREAD_NAME),
    EDGE_SELECTOR(LOADER_THREAD_PREFIX),
    PREFETCH_OFFLINE_SOURCE(LOADER_THREAD_PREFIX);

    final String threadNamePrefix;

    Seam(String threadNamePrefix) {
      this.threadNamePrefix = threadNamePrefix;
    }
  }

  /** Throws the armed failure once, and records the thread it was thrown on. */
  private static final class Fault {
    private final Failure failure;
    private final CountDownLatch fired = new CountDownLatch(1);
    private volatile boolean armed = true;
    private volatile String threadName;

    Fault(Failure failure) {
      this.failure = failure;
    }

    void fire() {
      if (!armed) {
        return;
      }
      armed = false;
      threadName = Thread.currentThread().getName();
      fired.countDown();
      failure.raise();
    }

    void awaitFired() throws InterruptedException {
      assertThat(fired.await(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS)).as("fault fired").isTrue();
    }
  }

  private final WavTrack trackA = WavTrack.generate(1, RATE_HZ, 1, 6_000);
  private final WavTrack trackB = WavTrack.generate(2, RATE_HZ, 1, 3_000);
  private final EventLog log = new EventLog();
  private final BlockingQueue<Thread> uncaughtThreads = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> uncaughtErrors = new LinkedBlockingQueue<>();
  private final AtomicInteger loaderThreads = new AtomicInteger();

  private Thread.UncaughtExceptionHandler previousHandler;
  private Set<Thread> threadsBefore;
  private TestOrigin origin;
  private TonearmClient client;
  private ExecutorService loaderExecutor;
  private Player player;

  @BeforeEach
  void start() throws Exception {
    threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          uncaughtThreads.add(thread);
          uncaughtErrors.add(error);
        });
    origin = TestOrigin.start(1);
    origin.addTrack("t-a", trackA.durationMs(), wav(trackA));
    origin.addTrack("t-b", trackB.durationMs(), wav(trackB));
    client = TonearmClient.builder().setBaseUrl(origin.apiBaseUrl()).build();
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
    loaderExecutor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread =
                  new Thread(runnable, LOADER_THREAD_PREFIX + loaderThreads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (player != null) {
      player.release();
    }
    loaderExecutor.shutdownNow();
    loaderExecutor.awaitTermination(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS);
    origin.close();
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(Seam.PCM_PROCESSOR, Failure.OUT_OF_MEMORY),
        Arguments.of(Seam.PCM_PROCESSOR, Failure.STACK_OVERFLOW),
        Arguments.of(Seam.PCM_PROCESSOR, Failure.ASSERTION),
        Arguments.of(Seam.DECODER_FACTORY, Failure.STACK_OVERFLOW),
        Arguments.of(Seam.DECODER_FACTORY, Failure.LINKAGE),
        Arguments.of(Seam.EDGE_SELECTOR, Failure.OUT_OF_MEMORY),
        Arguments.of(Seam.EDGE_SELECTOR, Failure.ASSERTION),
        Arguments.of(Seam.PREFETCH_OFFLINE_SOURCE, Failure.STACK_OVERFLOW),
        Arguments.of(Seam.PREFETCH_OFFLINE_SOURCE, Failure.ASSERTION));
  }

  @ParameterizedTest(name = "{0} throws {1}")
  @MethodSource("cases")
  void pluginError_reportedAsInternal_nextPlayEnds(Seam seam, Failure failure) throws Exception {
    Fault fault = new Fault(failure);
    CapturingSink sink = CapturingSink.immediate();
    RecordingListener listener = new RecordingListener();
    player = newPlayer(seam, fault, sink);
    player.addListener(listener);
    if (seam == Seam.PREFETCH_OFFLINE_SOURCE) {
      holdLastBlockUntilPrefetchDone(sink, fault);
    }

    if (seam == Seam.PREFETCH_OFFLINE_SOURCE) {
      player.play(Arrays.asList("t-a", "t-b"));
    } else {
      player.play("t-a");
    }
    listener.awaitEndedOrError();
    listener.await("state IDLE");

    assertThat(fault.threadName).startsWith(seam.threadNamePrefix);
    assertThat(listener.errors()).hasSize(1);
    PlaybackException error = listener.errors().get(0);
    assertThat(error.reason()).isEqualTo(PlaybackException.ERROR_INTERNAL);
    assertThat(error.getMessage()).contains(failure.type.getName());
    assertThat(rootCause(error)).isInstanceOf(failure.type);
    assertThat(player.state()).isEqualTo(Player.State.IDLE);
    assertThat(listener.events()).doesNotContain("state ENDED");

    if (failure.isRethrown()) {
      Throwable uncaught = uncaughtErrors.poll(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS);
      assertThat(uncaught).as("error rethrown to the uncaught exception handler")
          .isInstanceOf(failure.type);
      Thread ended = uncaughtThreads.take();
      assertThat(ended.getName()).startsWith(seam.threadNamePrefix);
      ended.join(TimeUnit.SECONDS.toMillis(WAIT_LIMIT_SECONDS));
      assertThat(ended.isAlive()).as("thread that rethrew the error").isFalse();
    }
    boolean playbackThreadEnded =
        failure.isRethrown() && seam.threadNamePrefix.equals(Player.PLAYBACK_THREAD_NAME);
    assertThat(aliveNewThreads(Player.PLAYBACK_THREAD_NAME))
        .as("playback threads alive after the error")
        .hasSize(playbackThreadEnded ? 0 : 1);
    if (seam == Seam.PREFETCH_OFFLINE_SOURCE) {
      assertThat(sink.samples()).as("the track before the failed one played in full")
          .isEqualTo(trackA.samples());
    }

    int samplesBefore = sink.samples().length;
    player.play("t-b");
    listener.awaitMatch(events -> events.contains("state ENDED"), "second play ended");

    assertThat(listener.errors()).hasSize(1);
    int[] all = sink.samples();
    assertThat(Arrays.copyOfRange(all, samplesBefore, all.length))
        .as("the later play reaches the sink in full")
        .isEqualTo(trackB.samples());
    assertThat(player.state()).isEqualTo(Player.State.ENDED);
    assertThat(uncaughtErrors).as("errors rethrown during the later play").isEmpty();

    player.release();
    player = null;
    loaderExecutor.shutdownNow();
    assertThat(loaderExecutor.awaitTermination(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(sink.calls()).endsWith("close");
    for (Thread thread : aliveNewThreads("")) {
      if (thread.getName().startsWith("tonearm-")) {
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_LIMIT_SECONDS));
      }
    }
    assertThat(aliveNewThreads("tonearm-")).as("player threads after release").isEmpty();
    assertThat(aliveNewThreads(LOADER_THREAD_PREFIX)).as("loader threads").isEmpty();
  }

  private Player newPlayer(Seam seam, Fault fault, CapturingSink sink) {
    WavDecoderFactory wavFactory = new WavDecoderFactory(log);
    Player.Builder builder =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setDecoderFactory(wavFactory)
            .setClock(new FakeClock(0))
            .setLoaderExecutor(loaderExecutor)
            .setListenerExecutor(Runnable::run)
            .setMaxRetries(0);
    switch (seam) {
      case PCM_PROCESSOR:
        builder.setPcmProcessor(new FailingProcessor(fault, 3));
        break;
      case DECODER_FACTORY:
        builder.setDecoderFactory(
            (codec, source) -> {
              fault.fire();
              return wavFactory.open(codec, source);
            });
        break;
      case EDGE_SELECTOR:
        builder.setEdgeSelector(new FailingEdgeSelector(fault, "t-a", 1));
        break;
      case PREFETCH_OFFLINE_SOURCE:
        builder.setOfflineSource(
            trackId -> {
              if (trackId.equals("t-b")) {
                fault.fire();
              }
              return null;
            });
        break;
      default:
        throw new AssertionError(seam);
    }
    return builder.build();
  }

  /**
   * Holds the last block of track A until the prefetch of track B has thrown and its loader task
   * has finished, so that the failure surfaces through the prefetched track rather than through a
   * second attempt on the playback thread.
   */
  private void holdLastBlockUntilPrefetchDone(CapturingSink sink, Fault fault) {
    long lastBlockStart = trackA.frames() - WavTestDecoder.BLOCK_FRAMES;
    sink.setWriteHook(
        framesBefore -> {
          if (framesBefore < lastBlockStart || framesBefore >= trackA.frames()) {
            return;
          }
          fault.awaitFired();
          try {
            // The executor runs one task at a time in order, so this no-op runs after the
            // prefetch task, on a new thread when the prefetch rethrew its error.
            loaderExecutor.submit(() -> {}).get(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("loader executor did not finish the prefetch", e);
          }
        });
  }

  private List<Thread> aliveNewThreads(String namePrefix) {
    List<Thread> alive = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!threadsBefore.contains(thread)
          && thread.isAlive()
          && thread.getName().startsWith(namePrefix)) {
        alive.add(thread);
      }
    }
    return alive;
  }

  private static Throwable rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static TestOrigin.Rendition wav(WavTrack track) {
    return TestOrigin.Rendition.ofWav("vorbis-96", 96, track, CHUNK_BYTES);
  }

  /** Passes samples through, and fires the fault in the given block of the first play. */
  private static final class FailingProcessor implements PcmProcessor {
    private final Fault fault;
    private final int failingBlock;
    private int blocks;

    FailingProcessor(Fault fault, int failingBlock) {
      this.fault = fault;
      this.failingBlock = failingBlock;
    }

    @Override
    public void startTrack(PcmFormat format, Loudness loudness, double targetLufs) {}

    @Override
    public void process(PcmBuffer buffer) {
      blocks++;
      if (blocks == failingBlock) {
        fault.fire();
      }
    }
  }

  /** Always selects edge 0, and fires the fault when asked for one chunk of one track. */
  private static final class FailingEdgeSelector implements EdgeSelector {
    private final Fault fault;
    private final String trackId;
    private final int chunkIndex;

    FailingEdgeSelector(Fault fault, String trackId, int chunkIndex) {
      this.fault = fault;
      this.trackId = trackId;
      this.chunkIndex = chunkIndex;
    }

    @Override
    public int selectEdge(List<String> edges, String trackId, int chunkIndex) {
      if (trackId.equals(this.trackId) && chunkIndex == this.chunkIndex) {
        fault.fire();
      }
      return 0;
    }

    @Override
    public void onTransferSucceeded(String edge, long bytes, long elapsedMs) {}

    @Override
    public void onTransferFailed(
        String edge, String trackId, int chunkIndex, PlaybackException error) {}
  }
}
