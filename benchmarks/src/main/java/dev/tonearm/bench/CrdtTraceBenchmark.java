package dev.tonearm.bench;

import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replays the automerge-paper editing trace (259,778 single-character edits by one author, from
 * Kleppmann's automerge-perf, CC BY 4.0) as local edits of a {@link PlaylistCrdt}, one entry per
 * character, the way the editing-trace benchmarks of Yjs, Automerge and diamond-types do.
 *
 * <p>Time: run with JMH, {@code java -jar benchmarks/target/benchmarks.jar CrdtTraceBenchmark}.
 * Memory: {@code java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.CrdtTraceBenchmark}
 * prints the heap the finished document retains, measured as used heap after full GCs with and
 * without it, and the time of warm replays without JMH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CrdtTraceBenchmark {
  private EditingTracePatches trace;

  @Setup
  public void load() throws IOException {
    trace = EditingTracePatches.load("automerge-paper");
  }

  @Benchmark
  public PlaylistCrdt automergePaper() {
    PlaylistCrdt document = newDocument();
    trace.replay(document);
    return document;
  }

  private static PlaylistCrdt newDocument() {
    // Characters repeat by nature, so the playlist rule that a remove also removes concurrent
    // adds of the same value is off. Without concurrency it would only add bookkeeping.
    return PlaylistCrdt.builder(ReplicaId.of("author", "desk")).trackRemoveWins(false).build();
  }

  public static void main(String[] args) throws IOException {
    EditingTracePatches trace = EditingTracePatches.load("automerge-paper");
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;

    long bestNs = Long.MAX_VALUE;
    long totalNs = 0;
    int measured = 0;
    for (int round = 0; round < rounds; round++) {
      long startNs = System.nanoTime();
      PlaylistCrdt document = newDocument();
      trace.replay(document);
      long elapsedNs = System.nanoTime() - startNs;
      if (round >= rounds / 3) {
        bestNs = Math.min(bestNs, elapsedNs);
        totalNs += elapsedNs;
        measured++;
      }
      if (!trace.matchesEndContent(document)) {
        throw new IllegalStateException("replay does not reproduce the end content");
      }
    }

    long baseline = usedHeapAfterGc();
    PlaylistCrdt document = newDocument();
    trace.replay(document);
    long withDocument = usedHeapAfterGc();

    System.out.printf(
        "automerge-paper: %d patches, %d entries, %d items%n",
        trace.patchCount(), document.size(), document.itemCount());
    System.out.printf(
        "warm replay: mean %.1f ms, best %.1f ms over %d rounds%n",
        totalNs / 1e6 / measured, bestNs / 1e6, measured);
    System.out.printf("retained heap of the document: %.1f MB%n", (withDocument - baseline) / 1e6);
    if (document.size() < 0) {
      System.out.println("unreachable: keeps the document alive through the measurement");
    }
  }

  static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
