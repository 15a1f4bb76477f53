package dev.tonearm.sync.traces;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the concurrent clownschool trace: one replica per agent, each transaction applied on its
 * agent's replica after merging exactly the operations of its parent transactions, with the
 * transactions visited in a seeded random topological order. All replicas and a fresh one must
 * converge to the trace's end content.
 */
class ConcurrentTraceTest {
  private static EditingTrace trace;

  @BeforeAll
  static void loadTrace() throws IOException {
    trace =
        EditingTrace.load(Corpus.require("editing-traces/concurrent_traces/clownschool.json.gz"));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 20240611})
  void clownschool_forkedPerAgentInRandomOrder_convergesToEndContent(long seed)
      throws SyncException {
    Replay replay = new Replay(trace, seed);

    replay.run();

    PlaylistCrdt fresh = newReplica("observer");
    fresh.apply(replay.allOpsInCausalOrder());
    assertThat(TraceReplay.text(fresh)).isEqualTo(trace.endContent);
    for (PlaylistCrdt agent : replay.agents) {
      agent.apply(replay.allOpsInCausalOrder());
      assertThat(TraceReplay.text(agent)).isEqualTo(trace.endContent);
      assertThat(agent.version()).isEqualTo(fresh.version());
    }
  }

  private static PlaylistCrdt newReplica(String name) {
    return PlaylistCrdt.builder(ReplicaId.of(name, "trace")).trackRemoveWins(false).build();
  }

  /** Replays the trace transaction by transaction. */
  private static final class Replay {
    final EditingTrace trace;
    final Random random;
    final List<PlaylistCrdt> agents = new ArrayList<>();

    /** Every operation created so far, per replica, indexed by counter - 1. */
    final Map<ReplicaId, List<Op>> opsByReplica = new HashMap<>();

    /** Version of each transaction's replica right after the transaction. */
    final VersionVector[] versionAfter;

    Replay(EditingTrace trace, long seed) {
      this.trace = trace;
      this.random = new Random(seed);
      this.versionAfter = new VersionVector[trace.txns.size()];
      for (int agent = 0; agent < trace.agentCount; agent++) {
        agents.add(newReplica("agent" + agent));
      }
    }

    void run() throws SyncException {
      for (int index : randomTopologicalOrder()) {
        EditingTrace.Txn txn = trace.txns.get(index);
        PlaylistCrdt replica = agents.get(txn.agent);
        VersionVector target = VersionVector.EMPTY;
        for (int parent : txn.parents) {
          target = target.mergedWith(versionAfter[parent]);
        }
        assertThat(target.dominates(replica.version()))
            .as("agent state of txn %d is within its parents", index)
            .isTrue();
        replica.applyInOrder(opsBetween(replica.version(), target));
        assertThat(replica.version()).isEqualTo(target);

        long before = replica.opCount();
        TraceReplay.applyLocally(replica, txn);
        List<Op> created = replica.delta(target);
        assertThat((long) created.size()).isEqualTo(replica.opCount() - before);
        List<Op> own = opsByReplica.computeIfAbsent(replica.replica(), key -> new ArrayList<>());
        own.addAll(created);
        versionAfter[index] = replica.version();
      }
    }

    List<Op> allOpsInCausalOrder() {
      List<Op> all = new ArrayList<>();
      opsByReplica.values().forEach(all::addAll);
      all.sort(CAUSAL_ORDER);
      return all;
    }

    private List<Op> opsBetween(VersionVector from, VersionVector to) {
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < to.size(); i++) {
        ReplicaId replica = to.replicaAt(i);
        List<Op> created = opsByReplica.get(replica);
        for (long counter = from.get(replica) + 1; counter <= to.counterAt(i); counter++) {
          ops.add(created.get((int) counter - 1));
        }
      }
      ops.sort(CAUSAL_ORDER);
      return ops;
    }

    /** Kahn's algorithm, picking a random transaction among those whose parents are done. */
    private int[] randomTopologicalOrder() {
      int count = trace.txns.size();
      int[] missingParents = new int[count];
      List<List<Integer>> children = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        children.add(new ArrayList<>(1));
      }
      List<Integer> ready = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int[] parents = trace.txns.get(i).parents;
        missingParents[i] = parents.length;
        for (int parent : parents) {
          children.get(parent).add(i);
        }
        if (parents.length == 0) {
          ready.add(i);
        }
      }
      int[] order = new int[count];
      for (int done = 0; done < count; done++) {
        int pick = random.nextInt(ready.size());
        int txn = ready.get(pick);
        ready.set(pick, ready.get(ready.size() - 1));
        ready.remove(ready.size() - 1);
        order[done] = txn;
        for (int child : children.get(txn)) {
          if (--missingParents[child] == 0) {
            ready.add(child);
          }
        }
      }
      return order;
    }
  }

  private static final Comparator<Op> CAUSAL_ORDER =
      Comparator.comparingLong(Op::lamport).thenComparing(op -> op.id().replica());
}
