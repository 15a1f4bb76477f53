package dev.tonearm.bench;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merges two replicas of a 1,000-entry playlist that each made 10,000 operations offline,
 * concurrently with each other.
 *
 * <ul>
 *   <li>{@code random}: adds (60%), removes (20%) and moves (20%) at uniformly random positions.
 *   <li>{@code samePosition}: both replicas add 10,000 entries one after another at the same
 *       position, the worst case for the placement scan, which has to order the two runs.
 * </ul>
 *
 * <p>The measured step is the state-based merge of B into a copy of A: B's delta since A's version
 * (10,000 operations) is extracted and applied. Run with {@code java -jar
 * benchmarks/target/benchmarks.jar CrdtMergeBenchmark}, or run this class's main for a quick figure
 * without JMH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 30)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CrdtMergeBenchmark {
  static final int BASE_ENTRIES = 1_000;
  static final int OPS_PER_REPLICA = 10_000;

  @Param({"random", "samePosition"})
  public String pattern;

  private List<Op> stateOfA;
  private PlaylistCrdt replicaB;
  private PlaylistCrdt target;

  @Setup(Level.Trial)
  public void diverge() throws SyncException {
    PlaylistCrdt[] replicas = divergedReplicas(pattern, 7);
    stateOfA = replicas[0].state();
    replicaB = replicas[1];
  }

  @Setup(Level.Invocation)
  public void copyA() throws SyncException {
    target = PlaylistCrdt.create(ReplicaId.of("merge", "target"));
    target.apply(stateOfA);
  }

  @Benchmark
  public PlaylistCrdt mergeBIntoA() throws SyncException {
    target.merge(replicaB);
    return target;
  }

  /** Returns replicas A and B after their concurrent offline edits. */
  static PlaylistCrdt[] divergedReplicas(String pattern, long seed) throws SyncException {
    PlaylistCrdt base = PlaylistCrdt.create(ReplicaId.of("base", "seed"));
    for (int i = 0; i < BASE_ENTRIES; i++) {
      base.add(i, "t-base-" + i);
    }
    PlaylistCrdt a = PlaylistCrdt.create(ReplicaId.of("alice", "phone"));
    PlaylistCrdt b = PlaylistCrdt.create(ReplicaId.of("bob", "laptop"));
    a.apply(base.state());
    b.apply(base.state());
    Random random = new Random(seed);
    edit(a, "a", pattern, random);
    edit(b, "b", pattern, random);
    return new PlaylistCrdt[] {a, b};
  }

  private static void edit(PlaylistCrdt replica, String prefix, String pattern, Random random) {
    for (int i = 0; i < OPS_PER_REPLICA; i++) {
      int size = replica.size();
      if (pattern.equals("samePosition")) {
        replica.add(BASE_ENTRIES / 2 + i, "t-" + prefix + i);
        continue;
      }
      int choice = random.nextInt(10);
      if (choice < 6 || size < 2) {
        replica.add(random.nextInt(size + 1), "t-" + prefix + i);
      } else if (choice < 8) {
        replica.remove(random.nextInt(size));
      } else {
        replica.move(random.nextInt(size), random.nextInt(size));
      }
    }
  }

  public static void main(String[] args) throws SyncException {
    for (String pattern : new String[] {"random", "samePosition"}) {
      PlaylistCrdt[] replicas = divergedReplicas(pattern, 7);
      List<Op> stateOfA = replicas[0].state();
      long bestNs = Long.MAX_VALUE;
      long totalNs = 0;
      int rounds = 40;
      int measured = 0;
      PlaylistCrdt merged = null;
      for (int round = 0; round < rounds; round++) {
        PlaylistCrdt target = PlaylistCrdt.create(ReplicaId.of("merge", "target"));
        target.apply(stateOfA);
        long startNs = System.nanoTime();
        target.merge(replicas[1]);
        long elapsedNs = System.nanoTime() - startNs;
        if (round >= rounds / 2) {
          bestNs = Math.min(bestNs, elapsedNs);
          totalNs += elapsedNs;
          measured++;
        }
        merged = target;
      }
      System.out.printf(
          "%s: merged %d + %d ops into %d entries; warm merge mean %.1f ms, best %.1f ms%n",
          pattern,
          OPS_PER_REPLICA,
          OPS_PER_REPLICA,
          merged.size(),
          totalNs / 1e6 / measured,
          bestNs / 1e6);
    }
  }
}
