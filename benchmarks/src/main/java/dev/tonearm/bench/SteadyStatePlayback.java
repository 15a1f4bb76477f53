package dev.tonearm.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.sink.NullSink;
import dev.tonearm.drm.DrmContentDecryption;
import dev.tonearm.server.ReferenceServer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The client-only half of {@link PlaybackBenchmark}, run in a JVM of its own so that no server
 * thread or server object is counted: plays a queue of tracks at 320 kbps into a {@link NullSink},
 * round after round, and prints CPU time and heap figures. The child has a device of its own
 * ({@link DeviceDrm}), so the first round also registers it and requests the licences.
 *
 * <p>Usage: {@code java [-Xmx32m] -cp benchmarks.jar dev.tonearm.bench.SteadyStatePlayback API_URL
 * SPEED ROUNDS GC_SAMPLE_MS DEVICE_BUFFER_MS SIGNING_KEY_ID SIGNING_PUBLIC_KEY TRACK_IDS}, where
 * TRACK_IDS is the comma-separated queue to play. SPEED 0 writes as fast as the player decodes;
 * SPEED 10 paces the sink like a device playing at ten times real time with a buffer of
 * DEVICE_BUFFER_MS of media (see {@link RecordingSink}). GC_SAMPLE_MS above 0 forces a full GC at
 * that interval during playback and records the heap used right after it, which costs CPU time, so
 * CPU figures come from runs with GC_SAMPLE_MS 0.
 *
 * <p>Output, one line each, {@code key=value} fields: {@code BASELINE} (heap after a full GC once
 * logged in, before the first play), one {@code ROUND} per round, {@code HEAP}, and {@code
 * UNCAUGHT} when a thread died of an uncaught throwable. Heap figures cover the time from the first
 * frame of the first round to the end of the last. Rounds stop at the first that fails, and the
 * exit status is 0 only when every round played both tracks to the end.
 */
public final class SteadyStatePlayback {
  private static final long ROUND_TIMEOUT_MS = 10 * 60 * 1000;
  private static final long HEAP_POLL_INTERVAL_MS = 50;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final long UNCAUGHT_POLL_MS = 200;
  private static final int MAX_REPORTED_UNDERRUNS = 10;
  private static final AtomicReference<Throwable> UNCAUGHT_ERROR = new AtomicReference<>();
  private static final AtomicReference<String> UNCAUGHT_THREAD = new AtomicReference<>();

  private SteadyStatePlayback() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: SteadyStatePlayback API_URL SPEED ROUNDS GC_SAMPLE_MS DEVICE_BUFFER_MS"
              + " SIGNING_KEY_ID SIGNING_PUBLIC_KEY TRACK_IDS");
      System.exit(2);
    }
    String apiUrl = args[0];
    double speed = Double.parseDouble(args[1]);
    int rounds = Integer.parseInt(args[2]);
    long gcSampleMs = Long.parseLong(args[3]);
    long deviceBufferMs = Long.parseLong(args[4]);

    // The player reports only exceptions. An Error such as OutOfMemoryError ends its thread
    // without an event, so the rounds watch for uncaught throwables instead of waiting out the
    // timeout.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          if (UNCAUGHT_ERROR.compareAndSet(null, error)) {
            UNCAUGHT_THREAD.set(thread.getName());
          }
        });

    TonearmClient client = TonearmClient.builder().setBaseUrl(apiUrl).build();
    client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    List<String> trackIds = List.of(args[7].split(","));
    Path deviceDir = Files.createTempDirectory("tonearm-steady-device");
    DrmContentDecryption decryption = DeviceDrm.open(client, deviceDir, args[5], args[6]);

    System.gc();
    System.out.printf(
        Locale.ROOT,
        "BASELINE heapAfterGcBytes=%d maxHeapBytes=%d gc=%s%n",
        MEMORY.getHeapMemoryUsage().getUsed(),
        Runtime.getRuntime().maxMemory(),
        collectorNames());

    HeapMonitor heap = new HeapMonitor(gcSampleMs);
    boolean allEnded = true;
    for (int round = 1; round <= rounds && allEnded; round++) {
      allEnded = playRound(client, decryption, trackIds, speed, deviceBufferMs, round, heap);
    }
    heap.stop();
    if (UNCAUGHT_ERROR.get() != null) {
      System.out.printf(
          Locale.ROOT,
          "UNCAUGHT thread=%s error=%s%n",
          UNCAUGHT_THREAD.get(),
          UNCAUGHT_ERROR.get());
    }
    System.out.printf(
        Locale.ROOT,
        "HEAP peakAfterGcBytes=%d gcCount=%d peakAfterForcedGcBytes=%d forcedGcCount=%d"
            + " peakUsedBytes=%d%n",
        heap.peakAfterGcBytes.get(),
        heap.gcCount.get(),
        heap.peakAfterForcedGcBytes.get(),
        heap.forcedGcCount.get(),
        heap.peakUsedBytes.get());
    System.out.flush();
    try (Stream<Path> files = Files.walk(deviceDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    System.exit(allEnded ? 0 : 1);
  }

  private static boolean playRound(
      TonearmClient client,
      DrmContentDecryption decryption,
      List<String> trackIds,
      double speed,
      long deviceBufferMs,
      int round,
      HeapMonitor heap)
      throws Exception {
    RecordingSink sink =
        speed > 0
            ? RecordingSink.paced(
                new NullSink(), speed, 0, deviceBufferMs, (s, f, fmt, entry, exit) -> {})
            : RecordingSink.unpaced(new NullSink());
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    InstrumentedPlayer player = new InstrumentedPlayer(client, sink, null, decryption);
    long playbackCpuNanos;
    long loaderCpuNanos;
    long processCpuNanos;
    long wallNanos;
    boolean ended;
    try {
      long cpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      player.player().play(trackIds);
      if (awaitUnlessUncaught(sink::awaitFirstFrame)) {
        heap.start();
      }
      ended = awaitUnlessUncaught(player::awaitEndOrError) && player.error() == null;
      wallNanos = System.nanoTime() - wallStart;
      processCpuNanos = os.getProcessCpuTime() - cpuStart;
      playbackCpuNanos = threadCpuNanos(sink.writerThread());
      loaderCpuNanos = threadCpuNanos(player.loaderThread());
    } finally {
      player.close();
    }
    double mediaSeconds = sink.framesWritten() / (double) rateHz(player.rendition(trackIds.get(0)));
    System.out.printf(
        Locale.ROOT,
        "ROUND round=%d ended=%b error=%s mediaSeconds=%.3f wallSeconds=%.3f"
            + " processCpuSeconds=%.4f playbackCpuSeconds=%.4f loaderCpuSeconds=%.4f"
            + " underruns=%d underrunsAtMediaSeconds=%s maxDryMs=%.1f bitrates=%s%n",
        round,
        ended,
        player.error() == null ? "none" : player.error().reason(),
        mediaSeconds,
        wallNanos / 1e9,
        processCpuNanos / 1e9,
        playbackCpuNanos / 1e9,
        loaderCpuNanos / 1e9,
        sink.underruns().size(),
        underrunPositions(sink, rateHz(player.rendition(trackIds.get(0)))),
        sink.underruns().stream().mapToLong(RecordingSink.Underrun::dryNanos).max().orElse(0) / 1e6,
        bitrates(player, trackIds));
    return ended;
  }

  /** A wait with a timeout, such as {@link java.util.concurrent.CountDownLatch#await}. */
  private interface TimedWait {
    boolean await(long timeoutMs) throws InterruptedException;
  }

  /**
   * Waits up to {@link #ROUND_TIMEOUT_MS} and returns whether the wait succeeded, or returns false
   * as soon as a thread has died of an uncaught throwable.
   */
  private static boolean awaitUnlessUncaught(TimedWait wait) throws InterruptedException {
    long deadlineNanos = System.nanoTime() + ROUND_TIMEOUT_MS * 1_000_000;
    while (UNCAUGHT_ERROR.get() == null && System.nanoTime() < deadlineNanos) {
      if (wait.await(UNCAUGHT_POLL_MS)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the media positions of the first underruns, in seconds, as {@code [a,b,...]}. */
  private static String underrunPositions(RecordingSink sink, long rateHz) {
    List<String> positions = new ArrayList<>();
    for (RecordingSink.Underrun underrun : sink.underruns()) {
      if (positions.size() == MAX_REPORTED_UNDERRUNS) {
        positions.add("...");
        break;
      }
      positions.add(String.format(Locale.ROOT, "%.1f", underrun.frame() / (double) rateHz));
    }
    return "[" + String.join(",", positions) + "]";
  }

  private static long rateHz(Rendition rendition) {
    return rendition == null ? 48_000 : rendition.sampleRateHz();
  }

  private static String bitrates(InstrumentedPlayer player, List<String> trackIds) {
    List<String> kbps = new ArrayList<>();
    for (String trackId : trackIds) {
      Rendition rendition = player.rendition(trackId);
      kbps.add(rendition == null ? "none" : String.valueOf(rendition.bitrateKbps()));
    }
    return String.join(",", kbps);
  }

  private static long threadCpuNanos(Thread thread) {
    if (thread == null) {
      return 0;
    }
    long nanos = THREADS.getThreadCpuTime(thread.getId());
    return Math.max(nanos, 0);
  }

  private static String collectorNames() {
    List<String> names = new ArrayList<>();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      names.add(collector.getName().replace(' ', '_'));
    }
    return String.join(",", names);
  }

  /**
   * Heap figures while playback runs: the heap used after every collection, from the collectors'
   * notifications; the heap used polled every {@value #HEAP_POLL_INTERVAL_MS} ms; and, when
   * enabled, the heap used right after a forced full GC at a fixed interval.
   */
  private static final class HeapMonitor {
    final AtomicLong peakAfterGcBytes = new AtomicLong();
    final AtomicLong gcCount = new AtomicLong();
    final AtomicLong peakAfterForcedGcBytes = new AtomicLong();
    final AtomicLong forcedGcCount = new AtomicLong();
    final AtomicLong peakUsedBytes = new AtomicLong();
    private final long forcedGcIntervalMs;
    private final Set<String> heapPools = new HashSet<>();
    private volatile boolean measuring;
    private volatile boolean stopped;
    private Thread poller;

    HeapMonitor(long forcedGcIntervalMs) {
      this.forcedGcIntervalMs = forcedGcIntervalMs;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          heapPools.add(pool.getName());
        }
      }
      for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) collector)
            .addNotificationListener(
                (notification, handback) -> {
                  if (measuring
                      && notification
                          .getType()
                          .equals(
                              GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    onCollection(
                        GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData()));
                  }
                },
                null,
                null);
      }
    }

    /** Starts measuring, once; later calls do nothing. */
    synchronized void start() {
      if (poller != null) {
        return;
      }
      measuring = true;
      poller = new Thread(this::poll, "heap-poller");
      poller.setDaemon(true);
      poller.start();
    }

    void stop() throws InterruptedException {
      measuring = false;
      stopped = true;
      Thread thread;
      synchronized (this) {
        thread = poller;
      }
      if (thread != null) {
        thread.interrupt();
        thread.join();
      }
    }

    private void onCollection(GarbageCollectionNotificationInfo info) {
      long used = 0;
      for (var entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(entry.getKey())) {
          used += entry.getValue().getUsed();
        }
      }
      gcCount.incrementAndGet();
      peakAfterGcBytes.accumulateAndGet(used, Math::max);
    }

    private void poll() {
      long nextForcedGcNanos = System.nanoTime() + forcedGcIntervalMs * 1_000_000;
      while (!stopped) {
        MemoryUsage usage = MEMORY.getHeapMemoryUsage();
        peakUsedBytes.accumulateAndGet(usage.getUsed(), Math::max);
        if (forcedGcIntervalMs > 0 && System.nanoTime() >= nextForcedGcNanos) {
          System.gc();
          peakAfterForcedGcBytes.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
          forcedGcCount.incrementAndGet();
          nextForcedGcNanos += forcedGcIntervalMs * 1_000_000;
        }
        try {
          Thread.sleep(HEAP_POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
