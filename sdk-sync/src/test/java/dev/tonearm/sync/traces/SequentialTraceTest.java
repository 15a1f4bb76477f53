package dev.tonearm.sync.traces;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays each sequential editing trace (real keystrokes of a single author) as local edits, one
 * list entry per character, and checks the final text and a replay of the operations on a second
 * replica.
 */
class SequentialTraceTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "automerge-paper",
        "rustcode",
        "sveltecomponent",
        "clownschool_flat",
        "friendsforever_flat"
      })
  void sequentialTrace_replayedLocally_reproducesEndContent(String name)
      throws IOException, SyncException {
    EditingTrace trace =
        EditingTrace.load(Corpus.require("editing-traces/sequential_traces/" + name + ".json.gz"));
    PlaylistCrdt document =
        PlaylistCrdt.builder(ReplicaId.of("author", "desk")).trackRemoveWins(false).build();

    for (EditingTrace.Txn txn : trace.txns) {
      TraceReplay.applyLocally(document, txn);
    }

    assertThat(TraceReplay.text(document)).isEqualTo(trace.endContent);
    PlaylistCrdt copy =
        PlaylistCrdt.builder(ReplicaId.of("reader", "desk")).trackRemoveWins(false).build();
    copy.apply(document.state());
    assertThat(TraceReplay.text(copy)).isEqualTo(trace.endContent);
    assertThat(copy.version()).isEqualTo(document.version());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rustcode", "clownschool_flat"})
  void sequentialTrace_withTrackRemoveWins_reproducesEndContent(String name) throws IOException {
    EditingTrace trace =
        EditingTrace.load(Corpus.require("editing-traces/sequential_traces/" + name + ".json.gz"));
    PlaylistCrdt document = PlaylistCrdt.create(ReplicaId.of("author", "desk"));

    for (EditingTrace.Txn txn : trace.txns) {
      TraceReplay.applyLocally(document, txn);
    }

    assertThat(TraceReplay.text(document)).isEqualTo(trace.endContent);
  }
}
