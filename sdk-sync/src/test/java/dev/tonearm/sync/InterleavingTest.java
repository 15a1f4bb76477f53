package dev.tonearm.sync;

import static dev.tonearm.sync.CrdtAssertions.assertSameState;
import static dev.tonearm.sync.CrdtAssertions.copyOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Concurrent runs of adds at the same position, typed left to right (each add after the previous
 * one) or right to left (each add before the previous one), must come out as whole runs.
 */
class InterleavingTest {
  @ParameterizedTest
  @CsvSource({
    "true, true, 2",
    "false, false, 2",
    "true, false, 2",
    "false, true, 2",
    "true, true, 3",
    "false, false, 3",
    "true, false, 4"
  })
  void concurrentRunsAtOnePosition_mergeWithoutInterleaving(
      boolean firstForward, boolean othersForward, int users) throws SyncException {
    PlaylistCrdt base = PlaylistCrdt.create(ReplicaId.of("base", "d"));
    base.add(0, "start");
    base.add(1, "end");
    List<PlaylistCrdt> replicas = new ArrayList<>();
    for (int user = 0; user < users; user++) {
      PlaylistCrdt replica = copyOf(base, ReplicaId.of("user" + user, "d"));
      boolean forward = user == 0 ? firstForward : othersForward;
      typeRun(replica, "u" + user + "-", 6, forward);
      replicas.add(replica);
    }

    PlaylistCrdt merged = copyOf(base, ReplicaId.of("merged", "d"));
    for (PlaylistCrdt replica : replicas) {
      merged.merge(replica);
    }

    List<String> tracks = merged.trackIds();
    assertThat(tracks).hasSize(2 + users * 6);
    assertThat(tracks.get(0)).isEqualTo("start");
    assertThat(tracks.get(tracks.size() - 1)).isEqualTo("end");
    for (int position = 1; position < tracks.size() - 1; position += 6) {
      String user = tracks.get(position).substring(0, 3);
      for (int k = 0; k < 6; k++) {
        assertThat(tracks.get(position + k))
            .as("run of %s at %d in %s", user, position, tracks)
            .isEqualTo(user + k);
      }
    }
    PlaylistCrdt reversed = copyOf(base, ReplicaId.of("reversed", "d"));
    for (int i = replicas.size() - 1; i >= 0; i--) {
      reversed.merge(replicas.get(i));
    }
    assertThat(reversed.trackIds()).isEqualTo(tracks);
    assertSameState(reversed, merged);
  }

  /** Adds {@code prefix + 0..length-1} between "start" and "end" so they read in order. */
  private static void typeRun(PlaylistCrdt replica, String prefix, int length, boolean forward) {
    if (forward) {
      for (int k = 0; k < length; k++) {
        replica.add(1 + k, prefix + k);
      }
    } else {
      for (int k = length - 1; k >= 0; k--) {
        replica.add(1, prefix + k);
      }
    }
  }
}
