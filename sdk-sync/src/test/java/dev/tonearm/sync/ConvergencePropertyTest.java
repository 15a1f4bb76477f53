package dev.tonearm.sync;

import static dev.tonearm.sync.CrdtAssertions.assertSameState;
import static dev.tonearm.sync.CrdtAssertions.concurrent;
import static dev.tonearm.sync.CrdtAssertions.copyOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random concurrent histories on 2 to 5 replicas. Every edit is broadcast as a message into each
 * other replica's inbox. A delivery picks a random message, so operations arrive out of causal
 * order and are buffered. Some deliveries leave the message in the inbox, so it arrives again
 * later. At the end all inboxes are flushed in random order, twice.
 */
class ConvergencePropertyTest {

  /** One step of a history; the numbers are reduced modulo the current sizes when used. */
  static final class Step {
    final int kind;
    final int replica;
    final int first;
    final int second;
    final int track;

    Step(int kind, int replica, int first, int second, int track) {
      this.kind = kind;
      this.replica = replica;
      this.first = first;
      this.second = second;
      this.track = track;
    }

    @Override
    public String toString() {
      return "Step{" + kind + "," + replica + "," + first + "," + second + "," + track + "}";
    }
  }

  /** A history: the number of replicas, the steps, and the seed of the final flush order. */
  static final class History {
    final int replicaCount;
    final List<Step> steps;
    final long flushSeed;

    History(int replicaCount, List<Step> steps, long flushSeed) {
      this.replicaCount = replicaCount;
      this.steps = steps;
      this.flushSeed = flushSeed;
    }

    @Override
    public String toString() {
      return "History{replicas=" + replicaCount + ", flushSeed=" + flushSeed + ", " + steps + "}";
    }
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 19),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 5))
            .as(Step::new);
    return Combinators.combine(
            Arbitraries.integers().between(2, 5),
            step.list().ofMinSize(1).ofMaxSize(150),
            Arbitraries.longs())
        .as(History::new);
  }

  @Property(tries = 300)
  void randomHistory_afterFullDelivery_allReplicasConverge(@ForAll("histories") History history)
      throws SyncException {
    Simulation simulation = new Simulation(history);

    simulation.run();
    simulation.flush();

    PlaylistCrdt first = simulation.replicas.get(0);
    for (PlaylistCrdt replica : simulation.replicas) {
      assertThat(replica.bufferedOpCount()).isZero();
      assertSameState(replica, first);
    }
  }

  @Property(tries = 300)
  void randomHistory_addSurvivesExactlyWhenNotRemovedOrConcurrentlyRemoved(
      @ForAll("histories") History history) throws SyncException {
    Simulation simulation = new Simulation(history);
    simulation.run();
    simulation.flush();
    PlaylistCrdt merged = simulation.replicas.get(0);
    List<Op> ops = merged.state();
    Map<OpId, Op.Add> adds = new HashMap<>();
    for (Op op : ops) {
      if (op instanceof Op.Add) {
        adds.put(op.id(), (Op.Add) op);
      }
    }

    Set<OpId> visible = new HashSet<>();
    for (PlaylistEntry entry : merged.entries()) {
      assertThat(visible.add(entry.id())).as("entry %s shown once", entry.id()).isTrue();
    }
    for (Op.Add add : adds.values()) {
      boolean expectRemoved = false;
      for (Op op : ops) {
        if (op instanceof Op.Remove) {
          Op.Remove remove = (Op.Remove) op;
          String removedTrack = adds.get(remove.entry()).trackId();
          boolean targetsThisEntry = remove.entry().equals(add.id());
          boolean concurrentSameTrack =
              removedTrack.equals(add.trackId()) && concurrent(remove, add);
          expectRemoved |= targetsThisEntry || concurrentSameTrack;
        }
      }
      assertThat(visible.contains(add.id()))
          .as("entry %s visible", add.id())
          .isEqualTo(!expectRemoved);
    }
  }

  @Property(tries = 200)
  void stateMerge_isCommutativeIdempotentAndEqualToDeltaMerge(@ForAll("histories") History history)
      throws SyncException {
    Simulation simulation = new Simulation(history);
    simulation.run();
    PlaylistCrdt a = simulation.replicas.get(0);
    PlaylistCrdt b = simulation.replicas.get(1);
    PlaylistCrdt c = simulation.replicas.get(simulation.replicas.size() - 1);

    PlaylistCrdt aThenB = copyOf(a, ReplicaId.of("check", "ab"));
    aThenB.merge(b);
    PlaylistCrdt bThenA = copyOf(b, ReplicaId.of("check", "ba"));
    bThenA.merge(a);
    assertSameState(aThenB, bThenA);

    PlaylistCrdt twice = copyOf(aThenB, ReplicaId.of("check", "twice"));
    twice.merge(b);
    twice.merge(a);
    assertSameState(twice, aThenB);

    PlaylistCrdt byDelta = copyOf(a, ReplicaId.of("check", "delta"));
    byDelta.apply(b.delta(byDelta.version()));
    assertSameState(byDelta, aThenB);

    PlaylistCrdt abThenC = copyOf(aThenB, ReplicaId.of("check", "ab-c"));
    abThenC.merge(c);
    PlaylistCrdt bcThenA = copyOf(b, ReplicaId.of("check", "bc-a"));
    bcThenA.merge(c);
    bcThenA.merge(a);
    assertSameState(abThenC, bcThenA);
  }

  /** Runs a history against real replicas. */
  static final class Simulation {
    final History history;
    final List<PlaylistCrdt> replicas = new ArrayList<>();
    final List<List<Op>> inboxes = new ArrayList<>();

    Simulation(History history) {
      this.history = history;
      for (int i = 0; i < history.replicaCount; i++) {
        replicas.add(PlaylistCrdt.create(ReplicaId.of("user" + i, "device")));
        inboxes.add(new ArrayList<>());
      }
    }

    void run() throws SyncException {
      for (Step step : history.steps) {
        int index = step.replica % replicas.size();
        PlaylistCrdt replica = replicas.get(index);
        Op op = edit(replica, step);
        if (op != null) {
          for (int other = 0; other < replicas.size(); other++) {
            if (other != index) {
              inboxes.get(other).add(op);
            }
          }
        } else if (step.kind >= 12) {
          deliver(index, step);
        }
      }
    }

    void flush() throws SyncException {
      Random random = new Random(history.flushSeed);
      for (int round = 0; round < 2; round++) {
        for (int index = 0; index < replicas.size(); index++) {
          List<Op> inbox = new ArrayList<>(inboxes.get(index));
          for (int other = 0; other < replicas.size(); other++) {
            inbox.addAll(replicas.get(other).state());
          }
          Collections.shuffle(inbox, random);
          replicas.get(index).apply(inbox);
        }
      }
    }

    private void deliver(int index, Step step) throws SyncException {
      List<Op> inbox = inboxes.get(index);
      if (inbox.isEmpty()) {
        return;
      }
      int pick = step.first % inbox.size();
      Op op = step.second % 4 == 0 ? inbox.get(pick) : inbox.remove(pick);
      replicas.get(index).apply(op);
    }

    /** Applies the step's edit, or returns null for delivery steps and impossible edits. */
    private static Op edit(PlaylistCrdt replica, Step step) {
      int size = replica.size();
      String track = "t" + step.track;
      switch (step.kind) {
        case 0:
        case 1:
        case 2:
        case 3:
          return replica.add(step.first % (size + 1), track);
        case 4:
        case 5:
          return size == 0 ? null : replica.remove(step.first % size);
        case 6:
        case 7:
        case 8:
          return size < 2 ? null : replica.move(step.first % size, step.second % size);
        case 9:
          return replica.rename("name" + step.track);
        case 10:
          return replica.delete();
        case 11:
          return replica.restore();
        default:
          return null;
      }
    }
  }
}
